package io.cmbench.cli;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.SloSpec;
import io.cmbench.model.ScenarioSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cmbench run}: the whole pipeline, embedded, for a bounded span of simulated time. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the benchmark end to end: Kafka, load generator, serving emulation and SLO analytics.",
                "A real Kafka broker (KRaft) on 127.0.0.1 and a Flink MiniCluster, unless --bootstrap and --cluster name"
                        + " running ones. Prints the output tok/s per NPU and the goodput per window and overall, and"
                        + " writes the summary, the completions and the HTML report to --out."})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed (default: ${DEFAULT-VALUE}).", defaultValue = "42")
    long seed;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Simulated seconds of arrivals (default: 60; with --workload: the workload's own, which this overrides).")
    Double durationOption;

    static final double DEFAULT_DURATION_SECONDS = 60;

    @Option(names = "--rate", paramLabel = "REQ_PER_S|paper",
            description = "Poisson arrival rate, requests per simulated second, or 'paper' (default): 5 %% above the rate"
                    + " the decode pool completes at its batch cap (the paper's 50 ms operating point: 160 NPUs at 96"
                    + " per NPU), from the cost model, so the pool stays at its cap. A low-load run: e.g. --rate 100.",
            defaultValue = PAPER_RATE)
    String rate;

    static final String PAPER_RATE = "paper";

    @Option(names = "--prompt-tokens", paramLabel = "N", description = "Prompt length (default: ${DEFAULT-VALUE}).", defaultValue = "4096")
    int promptTokens;

    @Option(names = "--output-tokens", paramLabel = "N", description = "Output length (default: ${DEFAULT-VALUE}).", defaultValue = "256")
    int outputTokens;

    @Option(names = "--workload", paramLabel = "FILE|NAME",
            description = "Workload YAML file or a built-in (paper-4k-256, chat-1k-1k, 2k-256, multiturn-50, multiturn-90);"
                    + " overrides --rate, --prompt-tokens and --output-tokens.")
    String workload;

    @Option(names = "--parallelism", paramLabel = "N", description = "Flink parallelism (default: ${DEFAULT-VALUE}).", defaultValue = "2")
    int parallelism;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/<timestamp>).")
    Path out;

    @Option(names = "--window", paramLabel = "SECONDS", description = "Tumbling window of simulated time (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    double windowSeconds;

    @Option(names = "--slo", paramLabel = "SLO", split = ",", description = "SLOs, e.g. tpot15,tpot50 or tpot15+ttft1500 (default: ${DEFAULT-VALUE}).",
            defaultValue = "tpot15,tpot50")
    List<String> slos;

    @Option(names = "--warmup-windows", paramLabel = "N|auto",
            description = "Windows left out of the overall summary at the start, or 'auto' (default): 1, and at --rate"
                    + " paper those that begin before the decode pool is full (the cost model's fill time).",
            defaultValue = "auto")
    String warmupWindows;

    @Option(names = "--drain-windows", paramLabel = "N|auto", defaultValue = "auto",
            description = "Windows left out of the overall summary at the end, or 'auto' (default): every window that"
                    + " starts once arrivals have stopped (the pool drains there, faster than in steady state).")
    String drainWindows;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "auto",
            description = "full | decode-only | prefill-only | auto (default): decode-only at --rate paper (requests"
                    + " arrive with their KV in place, as in the paper's decode measurement: its 96 prefill NPUs feed"
                    + " about a seventh of that rate of 4,096-token prompts), full otherwise.")
    String mode;

    @Option(names = "--scenarios", paramLabel = "FILE|NAME",
            description = "Scenarios the same traffic fans out to: a YAML file or a shipped set (paper, cm384-vs-h800, fleet: 8 supernodes);"
                    + " default: the paper's deployment.")
    String scenarios;

    @Option(names = "--batch-per-npu", paramLabel = "N",
            description = "Override the decode batch cap per NPU; 0 (the default) keeps the deployment's (96 for the paper's).",
            defaultValue = "0")
    int batchPerNpu;

    @Option(names = "--calibration", paramLabel = "VARIANT", defaultValue = "calibrated",
            description = "Cost model variant of every scenario: calibrated (the physics plus the profile's fitted "
                    + "calibration layer) or physics (nothing fitted) (default: ${DEFAULT-VALUE}).")
    String calibration;

    @Option(names = "--kafka-port", paramLabel = "PORT", description = "Port of the embedded broker (default: a free port).", defaultValue = "0")
    int kafkaPort;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Use this Kafka cluster instead of starting a broker.")
    String bootstrap;

    @Option(names = "--client-properties", paramLabel = "FILE", description = "Kafka client properties (e.g. security) for every client.")
    Path clientProperties;

    @Option(names = "--cluster", paramLabel = "HOST:PORT",
            description = "Submit the jobs to this Flink session cluster's REST API (needs --bootstrap).")
    String cluster;

    @Option(names = "--checkpoint-interval", paramLabel = "MS", defaultValue = "-1",
            description = "Checkpoint interval; > 0 also makes the Kafka sinks exactly-once (default: 2000 with --cluster, off embedded).")
    long checkpointIntervalMillis;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "cmbench",
            description = "Topics are PREFIX.requests, PREFIX.completions, ... (default: ${DEFAULT-VALUE}); a run needs"
                    + " empty topics and holds the prefix (topic PREFIX.claim) while it runs: a second run on it is refused.")
    String topicPrefix;

    @Option(names = "--state-backend", paramLabel = "NAME", defaultValue = "hashmap",
            description = "Flink state backend: hashmap (state on the heap) or rocksdb (state larger than memory);"
                    + " the same completions either way (default: ${DEFAULT-VALUE}).")
    String stateBackend;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
            description = "Partitions of each topic the run creates (default: max(2, --parallelism)).")
    int partitions;

    @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "0",
            description = "Replicas of each topic the run creates (default: min(3, the cluster's brokers)).")
    int replicationFactor;

    @Option(names = "--quiet", description = "Only the final tables.")
    boolean quiet;

    @Option(names = "--live", description = "Live mode: arrivals paced on the wall clock (--speed), the jobs running at the"
            + " same time, unbounded, each SLO window printed as it closes; ends at the end of --duration (simulated s;"
            + " without it: on Ctrl-C) or on Ctrl-C, with the usual summary and report. Same completions as without it.")
    boolean live;

    @Option(names = "--speed", paramLabel = "X", defaultValue = "1",
            description = "With --live: simulated seconds per wall-clock second (default: ${DEFAULT-VALUE}, real time).")
    String speed;

    @Override
    public Integer call() throws Exception {
        RunConfig checked = config();
        try (RunDirectory dir = RunDirectory.claim(out, Path.of("runs"), "")) {
            RunConfig cfg = checked.withOutDir(dir.path());
            // Before the first logger exists (Flink, Kafka): library logs go to the run's directory.
            System.setProperty(CommandErrors.LOG_FILE_PROPERTY, cfg.outDir().resolve("cmbench.log").toString());
            Reachability.check(cluster, bootstrap, cfg.kafkaProperties());
            return run(cfg);
        }
    }

    private int run(RunConfig cfg) throws Exception {
        operatingPoint(cfg).ifPresent(System.out::println);
        PrintStream stdout = System.out;
        EmbeddedRun.Result r = live
                ? new LiveRun(cfg, Double.parseDouble(speed), liveOpenEnded(), stdout, new LiveRun.Observer() {}).run()
                : new EmbeddedRun(cfg, stdout).run();
        stdout.println();
        if (r.windows().isEmpty()) {
            stdout.println("no SLO windows were produced (no request completed?)");
        } else {
            SummaryTable.printWindows(stdout, r.windows(), cfg.slos().stream().map(SloSpec::name).toList());
            SummaryTable.printSummaries(stdout, r.summaries(), modelVariants(cfg),
                    PublishedReferences.lines(PublishedReferences.forRun(cfg)));
        }
        // every request is emulated once per scenario: completions count all scenarios together
        int scenarioCount = cfg.scenarios().size();
        stdout.printf("%n%,d requests generated, %,d completions over %d scenario%s, %,d dead letters%n", r.requests(),
                r.completionCount(), scenarioCount, scenarioCount == 1 ? "" : "s", r.deadLetters().size());
        Path report = io.cmbench.report.ReportWriter.write(r.outDir());
        stdout.printf("results: %s (summary.json, completions.jsonl, slo-windows.jsonl)%n", r.outDir().toAbsolutePath());
        stdout.printf("report:  %s%n", report.toAbsolutePath());
        return 0;
    }

    RunConfig config() throws IOException {
        double durationSeconds = durationOption != null ? durationOption : DEFAULT_DURATION_SECONDS;
        InputChecks.duration(spec, durationSeconds);
        Options.require(spec, promptTokens > 0, "--prompt-tokens", promptTokens, "must be > 0");
        Options.require(spec, outputTokens > 0, "--output-tokens", outputTokens, "must be > 0");
        InputChecks.parallelism(spec, parallelism);
        InputChecks.window(spec, windowSeconds);
        int drain = drainWindows.trim().equalsIgnoreCase("auto") ? RunConfig.DRAIN_AUTO
                : Options.nonNegativeInt(spec, "--drain-windows", drainWindows);
        Options.require(spec, batchPerNpu >= 0 && batchPerNpu <= 100_000, "--batch-per-npu", batchPerNpu,
                "must be between 0 and 100000");
        Options.calibration(spec, calibration);
        Options.require(spec, kafkaPort >= 0 && kafkaPort <= 65535, "--kafka-port", kafkaPort, "must be a port number");
        Properties kafkaProperties = InputChecks.kafkaOptions(spec, bootstrap, clientProperties);
        InputChecks.Workload work = workload == null ? null : InputChecks.workload(spec, workload, durationOption);
        if (work != null && durationOption == null) {
            // the workload's own span; 0 = bounded by its request count or its trace, not by time
            long own = work.spec().durationMicros();
            durationSeconds = own == Long.MAX_VALUE ? 0 : own / 1e6;
        }
        long longestRequest = work != null ? work.longestRequestTokens() : (long) promptTokens + outputTokens;
        String kvWhere = work != null ? "--workload" : "--prompt-tokens/--output-tokens";
        boolean paperRate = rate.trim().equalsIgnoreCase(PAPER_RATE) && workload == null;
        EmulationMode emulationMode;
        if (mode.trim().equalsIgnoreCase("auto")) {
            emulationMode = paperRate ? EmulationMode.DECODE_ONLY : EmulationMode.FULL;
        } else {
            try {
                emulationMode = EmulationMode.valueOf(mode.trim().toUpperCase().replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(),
                        "--mode: unknown value '" + mode + "' (expected auto, full, decode-only or prefill-only)");
            }
        }
        List<SloSpec> sloSpecs = Options.slos(spec, slos);
        InputChecks.uniqueSlos(spec, sloSpecs);
        ScenarioSpec base = ScenarioSpec.paperDefault();
        ScenarioSpec scenario = new ScenarioSpec(base.name(), base.profile(), base.model(), base.deployment(), batchPerNpu,
                calibration);
        if (scenarios == null) {
            InputChecks.kvFits(spec, kvWhere, longestRequest, List.of(scenario));
        }
        double offered;
        int warmup;
        if (paperRate || rate.trim().equalsIgnoreCase(PAPER_RATE)) {
            // with --workload the workload's own rate applies and this one is not used
            PaperOperatingPoint p = PaperOperatingPoint.of(scenario, promptTokens, outputTokens);
            offered = p.requestsPerSecond();
            warmup = paperRate ? p.warmupWindows(windowSeconds) : 1;
        } else {
            offered = Options.positiveFinite(spec, "--rate", rate);
            warmup = 1;
        }
        double liveSpeed = Options.positiveFinite(spec, "--speed", speed);
        Options.require(spec, live || liveSpeed == 1.0, "--speed", speed, "goes with --live");
        if (liveOpenEnded()) {
            durationSeconds = LiveRun.openEndedSeconds(offered);
        }
        if (work == null) { // the same bounds as a workload's: requests, and the heartbeats of the span
            InputChecks.offers(spec, "--rate x --duration", rate + " x " + durationSeconds, null,
                    io.cmbench.loadgen.WorkloadSpec.poisson(offered, Math.round(durationSeconds * 1e6), promptTokens,
                            outputTokens));
        }
        if (!warmupWindows.trim().equalsIgnoreCase("auto")) {
            warmup = Options.nonNegativeInt(spec, "--warmup-windows", warmupWindows);
        }
        Options.require(spec, topicPrefix.matches("[A-Za-z0-9._-]+"), "--topic-prefix", topicPrefix, "may hold letters, digits, '.', '_' and '-' only");
        Options.require(spec, cluster == null || bootstrap != null, "--cluster", cluster, "needs --bootstrap (the Kafka cluster the jobs use)");
        Options.require(spec, checkpointIntervalMillis >= -1, "--checkpoint-interval", checkpointIntervalMillis, "must be >= 0");
        long checkpoints = checkpointIntervalMillis >= 0 ? checkpointIntervalMillis : cluster != null ? 2000 : 0;
        Options.require(spec, partitions >= 0 && partitions <= io.cmbench.jobs.JobSettings.MAX_PARALLELISM, "--partitions",
                partitions, "must be between 1 and " + io.cmbench.jobs.JobSettings.MAX_PARALLELISM);
        Options.require(spec, replicationFactor >= 0 && replicationFactor <= 32767, "--replication-factor",
                replicationFactor, "must be >= 1");
        String backend;
        try {
            backend = io.cmbench.jobs.JobSettings.checkedBackend(stateBackend);
        } catch (IllegalArgumentException e) {
            throw InputChecks.error(spec, "--state-backend", "must be hashmap or rocksdb", stateBackend);
        }
        Path outDir = out; // null until the run claims its directory (call)
        RunConfig cfg = new RunConfig(seed, durationSeconds, offered, promptTokens, outputTokens, workload, parallelism, outDir,
                windowSeconds, List.copyOf(sloSpecs), warmup, drain, kafkaPort, bootstrap,
                kafkaProperties, List.of(scenario), emulationMode, quiet, cluster, clientProperties,
                checkpoints, topicPrefix, null).withInfra(new RunConfig.Infra(backend, partitions, replicationFactor));
        if (scenarios == null) {
            return cfg;
        }
        Options.require(spec, batchPerNpu == 0, "--batch-per-npu", batchPerNpu, "goes with the default scenario; a scenario file sets its own caps");
        if (Files.isRegularFile(Path.of(scenarios))) {
            InputChecks.textFile(spec, "--scenarios", Path.of(scenarios));
        }
        RunConfig withScenarios;
        try {
            withScenarios = cfg.withScenarios(scenarios).withCalibration(calibration);
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "--scenarios: " + e.getMessage());
        }
        InputChecks.kvFits(spec, kvWhere, longestRequest, withScenarios.scenarios());
        return withScenarios;
    }

    /** A live run with neither --duration nor a workload of its own span: it goes on until Ctrl-C. */
    private boolean liveOpenEnded() {
        return live && durationOption == null && workload == null;
    }

    /** At --rate paper, one line saying which operating point the run offers and how the prefill side is treated. */
    java.util.Optional<String> operatingPoint(RunConfig cfg) {
        if (!rate.trim().equalsIgnoreCase(PAPER_RATE) || workload != null) return java.util.Optional.empty();
        PaperOperatingPoint p = PaperOperatingPoint.of(cfg.scenarios().get(0), promptTokens, outputTokens);
        return java.util.Optional.of(p.describe(cfg.mode()));
    }

    /** Per scenario, the cost model variant it ran on: the summary names it. */
    static Map<String, String> modelVariants(RunConfig cfg) {
        Map<String, String> out = new LinkedHashMap<>();
        cfg.scenarios().forEach(s -> out.put(s.name(), Options.modelVariant(s)));
        return out;
    }
}
