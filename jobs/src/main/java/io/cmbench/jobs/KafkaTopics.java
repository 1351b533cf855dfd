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

    /**
     * Consumer group of the emulation job: named after the topic it reads, so runs on different prefixes of one Kafka
     * cluster never share a group (offsets committed on checkpoints, lag shown per run in Kafka's tools).
     */
    public String emulationGroupId() {
        return requests + ".emulation";
    }

    /** Consumer group of the analytics job, named after the completions topic it reads. */
    public String analyticsGroupId() {
        return completions + ".analytics";
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
