package io.cmbench.jobs;

import java.io.Serializable;

/** Kafka topic names the jobs read and write. */
public record KafkaTopics(String requests, String completions, String steps, String sloWindows, String deadLetter)
        implements Serializable {

    public static KafkaTopics defaults() {
        return new KafkaTopics("cmbench.requests", "cmbench.completions", "cmbench.steps",
                "cmbench.slo-windows", "cmbench.dead-letter");
    }

    void validate() {
        Configs.requireNonBlank("topics.requests", requests);
        Configs.requireNonBlank("topics.completions", completions);
        Configs.requireNonBlank("topics.steps", steps);
        Configs.requireNonBlank("topics.sloWindows", sloWindows);
        Configs.requireNonBlank("topics.deadLetter", deadLetter);
    }
}
