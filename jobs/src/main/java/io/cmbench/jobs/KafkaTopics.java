package io.cmbench.jobs;

import java.io.Serializable;

/** Kafka topic names the jobs read and write. */
public record KafkaTopics(String requests, String completions, String steps, String sloWindows, String deadLetter)
        implements Serializable {

    public static KafkaTopics defaults() {
        return prefixed("cmbench");
    }

    /** {@code PREFIX.requests}, {@code PREFIX.completions}, ... — one run's own topics on a shared Kafka cluster. */
    public static KafkaTopics prefixed(String prefix) {
        Configs.requireNonBlank("topic prefix", prefix);
        return new KafkaTopics(prefix + ".requests", prefix + ".completions", prefix + ".steps",
                prefix + ".slo-windows", prefix + ".dead-letter");
    }

    /** Program arguments that select these topics in the jobs' {@code main}. */
    public java.util.List<String> asArgs() {
        return java.util.List.of("--topic-requests", requests, "--topic-completions", completions, "--topic-steps", steps,
                "--topic-slo-windows", sloWindows, "--topic-dead-letter", deadLetter);
    }

    void validate() {
        Configs.requireNonBlank("topics.requests", requests);
        Configs.requireNonBlank("topics.completions", completions);
        Configs.requireNonBlank("topics.steps", steps);
        Configs.requireNonBlank("topics.sloWindows", sloWindows);
        Configs.requireNonBlank("topics.deadLetter", deadLetter);
    }
}
