package io.cmbench.jobs;

import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.scenario.Scenario;
import io.cmbench.model.scenario.ScenarioPolicies;
import io.cmbench.schemas.RequestRules;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param policies serving policies (routing, context-cache capacity) by scenario name; a scenario without an entry
 *     gets {@link ScenarioPolicies#defaults()}
 * @param lastArrivalMicros the run's last arrival (the end of the generated span), part of the run's contract: with
 *     the allowance it bounds the arrivals the job accepts ({@link #arrivalHorizonMicros()});
 *     {@link #NO_LAST_ARRIVAL} = unknown (an open-ended run: only {@link RequestRules#MAX_ARRIVAL_MICROS} applies)
 * @param arrivalAllowanceMicros how far past the last arrival a record may still arrive
 * @param maxLeadMicros how far a record may arrive after the latest arrival or heartbeat already read from its Kafka
 *     partition (0 before the first); one further ahead is dead-lettered before it can move a watermark
 *     ({@link RequestRules#DEFAULT_MAX_LEAD_MICROS}); the generator's heartbeat interval must not exceed it
 */
public record EmulationJobConfig(String bootstrapServers, KafkaTopics topics, List<ScenarioSpec> scenarios, long seed,
                                 EmulationMode mode, boolean bounded, Properties kafkaProperties,
                                 Map<String, ScenarioPolicies> policies, long lastArrivalMicros,
                                 long arrivalAllowanceMicros, long maxLeadMicros) implements Serializable {

    /** {@code lastArrivalMicros} of a run whose end is not known in advance. */
    public static final long NO_LAST_ARRIVAL = -1;
    /** The allowance the launcher declares: one default heartbeat interval (1 s simulated). */
    public static final long DEFAULT_ARRIVAL_ALLOWANCE_MICROS = 1_000_000L;

    public EmulationJobConfig {
        scenarios = scenarios == null ? null : List.copyOf(scenarios);
        kafkaProperties = Configs.copy(kafkaProperties);
        policies = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(policies == null ? Map.of() : policies));
    }

    /** Scenarios with their policies; no known last arrival. */
    public EmulationJobConfig(String bootstrapServers, KafkaTopics topics, List<ScenarioSpec> scenarios, long seed,
                              EmulationMode mode, boolean bounded, Properties kafkaProperties,
                              Map<String, ScenarioPolicies> policies) {
        this(bootstrapServers, topics, scenarios, seed, mode, bounded, kafkaProperties, policies, NO_LAST_ARRIVAL,
                DEFAULT_ARRIVAL_ALLOWANCE_MICROS, RequestRules.DEFAULT_MAX_LEAD_MICROS);
    }

    /** Every scenario with the default policies (least-loaded routing, EMS cache sized from DRAM). */
    public EmulationJobConfig(String bootstrapServers, KafkaTopics topics, List<ScenarioSpec> scenarios, long seed,
                              EmulationMode mode, boolean bounded, Properties kafkaProperties) {
        this(bootstrapServers, topics, scenarios, seed, mode, bounded, kafkaProperties, Map.of());
    }

    /** The same configuration for a run whose last arrival is known, with that allowance past it. */
    public EmulationJobConfig withHorizon(long lastArrival, long allowance) {
        return new EmulationJobConfig(bootstrapServers, topics, scenarios, seed, mode, bounded, kafkaProperties, policies,
                lastArrival, allowance, maxLeadMicros);
    }

    /** The same configuration with another max lead ({@link RequestRules#maxLeadCovering(long)}). */
    public EmulationJobConfig withMaxLead(long maxLead) {
        return new EmulationJobConfig(bootstrapServers, topics, scenarios, seed, mode, bounded, kafkaProperties, policies,
                lastArrivalMicros, arrivalAllowanceMicros, maxLead);
    }

    /**
     * The latest arrival this run accepts: its last arrival plus the allowance, capped at
     * {@link RequestRules#MAX_ARRIVAL_MICROS} (also the horizon of a run with no known last arrival).
     */
    public long arrivalHorizonMicros() {
        if (lastArrivalMicros == NO_LAST_ARRIVAL) {
            return RequestRules.MAX_ARRIVAL_MICROS;
        }
        try {
            return Math.min(RequestRules.MAX_ARRIVAL_MICROS, Math.addExact(lastArrivalMicros, arrivalAllowanceMicros));
        } catch (ArithmeticException overflow) {
            return RequestRules.MAX_ARRIVAL_MICROS;
        }
    }

    /** Scenarios with their policies, e.g. from {@link io.cmbench.model.scenario.ScenarioFiles#loadScenarios}. */
    public static EmulationJobConfig of(String bootstrapServers, KafkaTopics topics, List<Scenario> scenarios, long seed,
                                        EmulationMode mode, boolean bounded, Properties kafkaProperties) {
        List<ScenarioSpec> specs = new ArrayList<>();
        Map<String, ScenarioPolicies> pol = new LinkedHashMap<>();
        for (Scenario s : scenarios) {
            specs.add(s.spec());
            pol.put(s.spec().name(), s.policies());
        }
        return new EmulationJobConfig(bootstrapServers, topics, specs, seed, mode, bounded, kafkaProperties, pol);
    }

    /** The same configuration with other policies. */
    public EmulationJobConfig withPolicies(Map<String, ScenarioPolicies> newPolicies) {
        return new EmulationJobConfig(bootstrapServers, topics, scenarios, seed, mode, bounded, kafkaProperties, newPolicies,
                lastArrivalMicros, arrivalAllowanceMicros, maxLeadMicros);
    }

    /** Policies of each scenario, in scenario order. */
    public List<ScenarioPolicies> policiesList() {
        List<ScenarioPolicies> out = new ArrayList<>(scenarios.size());
        for (ScenarioSpec s : scenarios) {
            out.add(policies.getOrDefault(s.name(), ScenarioPolicies.defaults()));
        }
        return out;
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
        Configs.require(lastArrivalMicros == NO_LAST_ARRIVAL
                        || (lastArrivalMicros >= 0 && lastArrivalMicros <= RequestRules.MAX_ARRIVAL_MICROS),
                "lastArrivalMicros", lastArrivalMicros, "must be in [0, " + RequestRules.MAX_ARRIVAL_MICROS + "] or "
                        + NO_LAST_ARRIVAL + " (unknown)");
        Configs.require(arrivalAllowanceMicros >= 0 && arrivalAllowanceMicros <= RequestRules.MAX_ARRIVAL_MICROS,
                "arrivalAllowanceMicros", arrivalAllowanceMicros, "must be in [0, " + RequestRules.MAX_ARRIVAL_MICROS + "]");
        Configs.require(maxLeadMicros >= 1 && maxLeadMicros <= RequestRules.MAX_ARRIVAL_MICROS,
                "maxLeadMicros", maxLeadMicros, "must be in [1, " + RequestRules.MAX_ARRIVAL_MICROS + "]");
        for (String p : policies.keySet()) {
            Configs.require(names.contains(p), "policies", p, "must name a scenario of this run");
            Configs.require(policies.get(p) != null, "policies[" + p + "]", null, "must not be null");
        }
        return this;
    }
}
