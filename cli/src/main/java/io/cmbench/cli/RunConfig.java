package io.cmbench.cli;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.EmulationJobConfig;
import io.cmbench.jobs.KafkaTopics;
import io.cmbench.loadgen.WorkloadArgument;
import io.cmbench.loadgen.WorkloadSpec;
import io.cmbench.model.scenario.Scenario;
import io.cmbench.model.scenario.ScenarioFiles;
import io.cmbench.model.scenario.ScenarioPolicies;
import io.cmbench.jobs.SloSpec;
import io.cmbench.model.ScenarioSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Everything one run needs. {@code bootstrapServers == null} means: start our own broker.
 * {@code workload == null} means: Poisson arrivals at {@code requestsPerSec} of fixed-length requests; otherwise it is
 * a {@code --workload} value, a YAML file or a built-in workload's name ({@link WorkloadArgument}).
 * {@code clusterRestAddress == null} means: the Flink jobs run on an embedded MiniCluster; otherwise they are
 * submitted (the shaded job jar) to that session cluster's REST API. {@code checkpointIntervalMillis > 0} turns
 * checkpointing and with it exactly-once Kafka sinks on. {@code kafkaPropertiesFile} is the file the client
 * properties came from (handed to cluster jobs by path, so credentials stay out of program arguments).
 * {@code perRequestOutput}: the run keeps every completion and writes completions.jsonl (a sweep's default is not to:
 * it aggregates them as they are read, so its memory does not grow with the requests).
 */
record RunConfig(
        long seed,
        double durationSeconds,
        double requestsPerSec,
        int promptTokens,
        int outputTokens,
        String workload,
        int parallelism,
        Path outDir,
        double windowSeconds,
        List<SloSpec> slos,
        int warmupWindows,
        int drainWindows,
        int kafkaPort,
        String bootstrapServers,
        Properties kafkaProperties,
        List<ScenarioSpec> scenarios,
        EmulationMode mode,
        boolean quiet,
        String clusterRestAddress,
        Path kafkaPropertiesFile,
        long checkpointIntervalMillis,
        String topicPrefix,
        String scenariosSource,
        boolean perRequestOutput,
        Infra infra) {

    /**
     * Where state and topics live: the Flink state backend ({@code hashmap} or {@code rocksdb}), partitions per topic
     * (0: max(2, parallelism)) and the topics' replication factor (0: min(3, brokers)). docs/OPERATIONS.md.
     */
    record Infra(String stateBackend, int topicPartitions, int replicationFactor) {
        static final Infra DEFAULTS = new Infra("hashmap", 0, 0);

        int partitionsFor(int parallelism) {
            return topicPartitions > 0 ? topicPartitions : Math.max(2, parallelism);
        }
    }

    /** {@code drainWindows}: leave out every window that starts once arrivals have stopped. */
    static final int DRAIN_AUTO = -1;

    /** An embedded run (MiniCluster), checkpointing off. */
    RunConfig(long seed, double durationSeconds, double requestsPerSec, int promptTokens, int outputTokens,
              String workload, int parallelism, Path outDir, double windowSeconds, List<SloSpec> slos,
              int warmupWindows, int drainWindows, int kafkaPort, String bootstrapServers, Properties kafkaProperties,
              List<ScenarioSpec> scenarios, EmulationMode mode, boolean quiet) {
        this(seed, durationSeconds, requestsPerSec, promptTokens, outputTokens, workload, parallelism, outDir,
                windowSeconds, slos, warmupWindows, drainWindows, kafkaPort, bootstrapServers, kafkaProperties, scenarios,
                mode, quiet, null, null, 0L, "cmbench", null, true, Infra.DEFAULTS);
    }

    /** Every component but {@code perRequestOutput}, which is on. */
    RunConfig(long seed, double durationSeconds, double requestsPerSec, int promptTokens, int outputTokens,
              String workload, int parallelism, Path outDir, double windowSeconds, List<SloSpec> slos,
              int warmupWindows, int drainWindows, int kafkaPort, String bootstrapServers, Properties kafkaProperties,
              List<ScenarioSpec> scenarios, EmulationMode mode, boolean quiet, String clusterRestAddress,
              Path kafkaPropertiesFile, long checkpointIntervalMillis, String topicPrefix, String scenariosSource) {
        this(seed, durationSeconds, requestsPerSec, promptTokens, outputTokens, workload, parallelism, outDir,
                windowSeconds, slos, warmupWindows, drainWindows, kafkaPort, bootstrapServers, kafkaProperties, scenarios,
                mode, quiet, clusterRestAddress, kafkaPropertiesFile, checkpointIntervalMillis, topicPrefix,
                scenariosSource, true, Infra.DEFAULTS);
    }

    /** The same run with its state backend, topic partitions and replication factor. */
    RunConfig withInfra(Infra i) {
        return new RunConfig(seed, durationSeconds, requestsPerSec, promptTokens, outputTokens, workload, parallelism,
                outDir, windowSeconds, slos, warmupWindows, drainWindows, kafkaPort, bootstrapServers, kafkaProperties,
                scenarios, mode, quiet, clusterRestAddress, kafkaPropertiesFile, checkpointIntervalMillis, topicPrefix,
                scenariosSource, perRequestOutput, i);
    }

    /** The same run, keeping every completion and writing completions.jsonl, or not. */
    RunConfig withPerRequestOutput(boolean keep) {
        return new RunConfig(seed, durationSeconds, requestsPerSec, promptTokens, outputTokens, workload, parallelism,
                outDir, windowSeconds, slos, warmupWindows, drainWindows, kafkaPort, bootstrapServers, kafkaProperties,
                scenarios, mode, quiet, clusterRestAddress, kafkaPropertiesFile, checkpointIntervalMillis, topicPrefix,
                scenariosSource, keep, infra);
    }

    /**
     * The scenarios of a scenario file or a shipped set ({@code paper}, {@code cm384-vs-h800}), with their policies
     * (routing, context-cache size) — what {@code --scenarios} selects.
     */
    RunConfig withScenarios(String source) {
        List<ScenarioSpec> specs = ScenarioFiles.resolve(source).stream().map(Scenario::spec).toList();
        return new RunConfig(seed, durationSeconds, requestsPerSec, promptTokens, outputTokens, workload, parallelism,
                outDir, windowSeconds, slos, warmupWindows, drainWindows, kafkaPort, bootstrapServers, kafkaProperties,
                specs, mode, quiet, clusterRestAddress, kafkaPropertiesFile, checkpointIntervalMillis, topicPrefix, source, perRequestOutput, infra);
    }

    /** The same run with every scenario on the cost model variant {@code calibrated} or {@code physics}. */
    RunConfig withCalibration(String variant) {
        return new RunConfig(seed, durationSeconds, requestsPerSec, promptTokens, outputTokens, workload, parallelism,
                outDir, windowSeconds, slos, warmupWindows, drainWindows, kafkaPort, bootstrapServers, kafkaProperties,
                scenarios.stream().map(s -> s.withCalibration(variant)).toList(), mode, quiet, clusterRestAddress,
                kafkaPropertiesFile, checkpointIntervalMillis, topicPrefix, scenariosSource, perRequestOutput, infra);
    }

    /**
     * The emulation job's configuration for these scenarios (a scenario file's policies included; the scenarios
     * themselves are this run's, which carry its cost model variant, not the file's defaults).
     */
    EmulationJobConfig emulationJob(String bootstrap) {
        Map<String, ScenarioPolicies> policies = new LinkedHashMap<>();
        if (scenariosSource != null) {
            ScenarioFiles.resolve(scenariosSource).forEach(s -> policies.put(s.spec().name(), s.policies()));
        }
        return new EmulationJobConfig(bootstrap, topics(), scenarios, seed, mode, true, kafkaProperties, policies);
    }

    KafkaTopics topics() {
        return KafkaTopics.prefixed(topicPrefix);
    }

    RunConfig withOutDir(Path dir) {
        return new RunConfig(seed, durationSeconds, requestsPerSec, promptTokens, outputTokens, workload, parallelism,
                dir, windowSeconds, slos, warmupWindows, drainWindows, kafkaPort, bootstrapServers, kafkaProperties,
                scenarios, mode, quiet, clusterRestAddress, kafkaPropertiesFile, checkpointIntervalMillis, topicPrefix,
                scenariosSource, perRequestOutput, infra);
    }

    RunConfig withTopicPrefix(String prefix) {
        return new RunConfig(seed, durationSeconds, requestsPerSec, promptTokens, outputTokens, workload, parallelism,
                outDir, windowSeconds, slos, warmupWindows, drainWindows, kafkaPort, bootstrapServers, kafkaProperties,
                scenarios, mode, quiet, clusterRestAddress, kafkaPropertiesFile, checkpointIntervalMillis, prefix,
                scenariosSource, perRequestOutput, infra);
    }

    /** The same run with the Flink jobs submitted to a session cluster, checkpointing every interval. */
    RunConfig onCluster(String restAddress, long checkpointMillis) {
        return new RunConfig(seed, durationSeconds, requestsPerSec, promptTokens, outputTokens, workload, parallelism,
                outDir, windowSeconds, slos, warmupWindows, drainWindows, kafkaPort, bootstrapServers, kafkaProperties,
                scenarios, mode, quiet, restAddress, kafkaPropertiesFile, checkpointMillis, topicPrefix, scenariosSource, perRequestOutput, infra);
    }

    RunConfig withCheckpointing(long checkpointMillis, Path propertiesFile) {
        return new RunConfig(seed, durationSeconds, requestsPerSec, promptTokens, outputTokens, workload, parallelism,
                outDir, windowSeconds, slos, warmupWindows, drainWindows, kafkaPort, bootstrapServers, kafkaProperties,
                scenarios, mode, quiet, clusterRestAddress, propertiesFile, checkpointMillis, topicPrefix, scenariosSource, perRequestOutput, infra);
    }

    /** How results name the workload: its file as given, {@code builtin:NAME}, or null for Poisson arrivals. */
    String workloadLabel() {
        return workload == null ? null : WorkloadArgument.of(workload).label();
    }

    /**
     * The workload this run generates: Poisson arrivals, or the {@code --workload} over {@code durationSeconds} (0: the
     * workload's own end, its request count or its trace's last line).
     */
    WorkloadSpec workloadSpec() {
        if (workload == null) {
            return WorkloadSpec.poisson(requestsPerSec, durationMicros(), promptTokens, outputTokens);
        }
        WorkloadSpec w = WorkloadArgument.of(workload).load();
        return durationSeconds > 0 ? w.withDurationMicros(durationMicros()) : w;
    }

    long durationMicros() {
        return Math.round(durationSeconds * 1e6);
    }

    long windowMicros() {
        return Math.round(windowSeconds * 1e6);
    }
}
