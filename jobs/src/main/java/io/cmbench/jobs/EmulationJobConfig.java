package io.cmbench.jobs;

import io.cmbench.model.ScenarioSpec;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Configuration of the {@link ServingEmulationJob}.
 *
 * @param bootstrapServers Kafka bootstrap servers (only needed by {@code runOnKafka})
 * @param topics topic names
 * @param scenarios what-if scenarios; every request runs through each of them; names must be unique
 * @param seed seed of the per-request random draws (MTP acceptance); same seed and config give identical output
 * @param mode which pools run
 * @param bounded read the requests topic up to the offsets that are latest at job start, then finish
 *     (the final watermark drains every in-flight request); false = run forever
 * @param kafkaProperties extra Kafka client properties, passed to the source and the sinks
 */
public record EmulationJobConfig(String bootstrapServers, KafkaTopics topics, List<ScenarioSpec> scenarios, long seed,
                                 EmulationMode mode, boolean bounded, Properties kafkaProperties) implements Serializable {

    public EmulationJobConfig {
        scenarios = scenarios == null ? null : List.copyOf(scenarios);
        kafkaProperties = Configs.copy(kafkaProperties);
    }

    /** Paper-default scenario, FULL mode, default topics, bounded. */
    public static EmulationJobConfig defaults(String bootstrapServers) {
        return new EmulationJobConfig(bootstrapServers, KafkaTopics.defaults(), List.of(ScenarioSpec.paperDefault()),
                1L, EmulationMode.FULL, true, new Properties());
    }

    /** @throws IllegalArgumentException naming the offending field and value */
    public EmulationJobConfig validate() {
        Configs.requireNonBlank("bootstrapServers", bootstrapServers);
        Configs.require(topics != null, "topics", topics, "must be set");
        topics.validate();
        Configs.require(mode != null, "mode", mode, "must be set");
        Configs.require(scenarios != null && !scenarios.isEmpty(), "scenarios", scenarios, "must hold at least one scenario");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < scenarios.size(); i++) {
            ScenarioSpec s = scenarios.get(i);
            Configs.require(s != null, "scenarios[" + i + "]", s, "must not be null");
            Configs.requireNonBlank("scenarios[" + i + "].name", s.name());
            Configs.require(names.add(s.name()), "scenarios[" + i + "].name", s.name(), "must be unique");
            Configs.require(s.decodeBatchCapPerNpu() >= 0, "scenarios[" + i + "].decodeBatchCapPerNpu",
                    s.decodeBatchCapPerNpu(), "must be >= 0");
        }
        return this;
    }
}
