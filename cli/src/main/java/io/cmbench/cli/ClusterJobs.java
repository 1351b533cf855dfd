package io.cmbench.cli;

import io.cmbench.cluster.CmbenchHome;
import io.cmbench.cluster.rest.FlinkRestClient;
import io.cmbench.cluster.rest.JobFailure;
import io.cmbench.jobs.EmulationJobConfig;
import io.cmbench.jobs.SloSpec;
import io.cmbench.model.ScenarioSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Submits the shaded job jar's two jobs to a Flink session cluster and waits for them (bounded runs), or submits them
 * unbounded and stops them (live runs, {@link LiveRun}).
 */
final class ClusterJobs {
    static final String JOB_JAR = "jobs/target/cmbench-jobs-0.1.0-SNAPSHOT-job.jar";
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(30);

    private final RunConfig cfg;
    private final FlinkRestClient rest;
    private final Path jar;
    private String jarId;

    ClusterJobs(RunConfig cfg) {
        this.cfg = cfg;
        this.rest = new FlinkRestClient(cfg.clusterRestAddress());
        this.jar = CmbenchHome.locate().resolve(JOB_JAR);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the job jar " + jar + " is missing: build it with `mvn -q -DskipTests package`");
        }
        if (!rest.isUp(Duration.ofSeconds(10))) {
            throw new IllegalStateException("no Flink REST API answers at " + cfg.clusterRestAddress()
                    + " (start one with ./cmbench cluster start)");
        }
    }

    static final String EMULATION = "io.cmbench.jobs.ServingEmulationJob";
    static final String ANALYTICS = "io.cmbench.jobs.SloAnalyticsJob";

    /** Submits the bounded emulation job with the horizon of {@code job}; returns its job id. */
    String submitEmulation(String bootstrap, EmulationJobConfig job) {
        return submit(EMULATION, emulationArgs(bootstrap, job));
    }

    /** Submits the emulation job as {@code job} says, unbounded when {@code job.bounded()} is false (a live run). */
    private List<String> emulationArgs(String bootstrap, EmulationJobConfig job) {
        List<String> args = common(bootstrap, job.bounded(), cfg.topics());
        args.addAll(List.of("--seed", Long.toString(cfg.seed()), "--mode", cfg.mode().name()));
        args.addAll(horizonArgs(job));
        if (cfg.scenariosSource() != null) {
            // the job reads the file itself (its policies too); the run's cost model variant goes beside it
            args.addAll(List.of("--scenarios", scenariosFileArg(cfg.scenariosSource()),
                    "--calibration", calibrationArg(cfg.scenarios())));
        } else {
            args.addAll(List.of("--scenarios",
                    cfg.scenarios().stream().map(ClusterJobs::scenarioArg).collect(Collectors.joining(","))));
        }
        return args;
    }

    /** Submits the emulation job of a live run (unbounded: it reads until {@link #stopWithDrain}); returns its id. */
    String submitLiveEmulation(String bootstrap, EmulationJobConfig job) {
        return submit(EMULATION, emulationArgs(bootstrap, job));
    }

    /**
     * Submits an unbounded analytics job reading {@code topics.completions()} and writing {@code topics.sloWindows()}
     * with that out-of-orderness: a live run's view of the windows as they close; returns its id.
     */
    String submitLiveAnalytics(String bootstrap, io.cmbench.jobs.KafkaTopics topics, long outOfOrdernessMicros) {
        List<String> args = common(bootstrap, false, topics);
        args.addAll(List.of("--window-micros", Long.toString(cfg.windowMicros()),
                "--out-of-orderness-micros", Long.toString(outOfOrdernessMicros),
                "--slos", cfg.slos().stream().map(SloSpec::name).collect(Collectors.joining(","))));
        return submit(ANALYTICS, args);
    }

    /** The cluster's REST API. */
    FlinkRestClient rest() {
        return rest;
    }

    /**
     * Stops a job with a savepoint into {@code dir}, draining it (the final watermark fires every timer, the sinks
     * commit), and waits until it has FINISHED.
     */
    void stopWithDrain(String jobId, Path dir, String what) {
        rest.stopWithSavepoint(jobId, true, dir.toAbsolutePath().toUri().toString());
        await(jobId, what);
    }

    /** The run's time horizon and max lead as the emulation job's options (no horizon for an open-ended run). */
    static List<String> horizonArgs(EmulationJobConfig job) {
        List<String> args = new ArrayList<>();
        if (job.lastArrivalMicros() != EmulationJobConfig.NO_LAST_ARRIVAL) {
            args.addAll(List.of("--last-arrival-micros", Long.toString(job.lastArrivalMicros()),
                    "--arrival-allowance-micros", Long.toString(job.arrivalAllowanceMicros())));
        }
        args.addAll(List.of("--max-lead-micros", Long.toString(job.maxLeadMicros())));
        return args;
    }

    /** Submits the bounded analytics job; returns its job id. */
    String submitAnalytics(String bootstrap) {
        List<String> args = common(bootstrap, true, cfg.topics());
        args.addAll(List.of("--window-micros", Long.toString(cfg.windowMicros()),
                "--slos", cfg.slos().stream().map(SloSpec::name).collect(Collectors.joining(","))));
        return submit(ANALYTICS, args);
    }

    private List<String> common(String bootstrap, boolean bounded, io.cmbench.jobs.KafkaTopics topics) {
        List<String> args = new ArrayList<>(List.of("--bootstrap", bootstrap));
        if (bounded) {
            args.add("--bounded");
        }
        args.addAll(List.of("--parallelism", Integer.toString(cfg.parallelism())));
        args.addAll(topics.asArgs());
        if (cfg.checkpointIntervalMillis() > 0) {
            args.addAll(List.of("--checkpoint-interval-ms", Long.toString(cfg.checkpointIntervalMillis())));
        }
        args.addAll(List.of("--state-backend", cfg.infra().stateBackend()));
        if (cfg.kafkaPropertiesFile() != null) {
            // by path: the cluster is local; credentials never travel as program arguments
            args.addAll(List.of("--kafka-properties-file", cfg.kafkaPropertiesFile().toAbsolutePath().toString()));
        }
        return args;
    }

    private String submit(String entryClass, List<String> args) {
        if (jarId == null) {
            jarId = rest.uploadJar(jar);
        }
        return rest.runJar(jarId, entryClass, args, cfg.parallelism());
    }

    /** Waits until the job ends; anything but FINISHED is an error carrying the job's root cause. */
    void await(String jobId, String what) {
        String state = rest.awaitTermination(jobId, JOB_TIMEOUT);
        if (!"FINISHED".equals(state)) {
            String cause = rest.failure(jobId).map(JobFailure::rootCause).orElse("no exception recorded");
            throw new IllegalStateException(what + " job " + jobId + " ended " + state + ": " + cause);
        }
    }

    /** A scenario file by absolute path (the local cluster's JobManager reads it), a shipped set by name. */
    static String scenariosFileArg(String source) {
        Path p = Path.of(source);
        return Files.isRegularFile(p) ? p.toAbsolutePath().toString() : source;
    }

    /** {@code name:profile:model:deployment:cap:calibration}, as the emulation job's {@code --scenarios} reads it. */
    static String scenarioArg(ScenarioSpec s) {
        return String.join(":", s.name(), s.profile(), s.model(), s.deployment(), Integer.toString(s.decodeBatchCapPerNpu()),
                s.calibration());
    }

    /** The one cost model variant of a scenario file's scenarios (the launcher gives them all the same). */
    static String calibrationArg(List<ScenarioSpec> scenarios) {
        List<String> variants = scenarios.stream().map(ScenarioSpec::calibration).distinct().toList();
        if (variants.size() != 1) {
            throw new IllegalStateException("the scenarios of one file run on one cost model variant, got " + variants);
        }
        return variants.get(0);
    }
}
