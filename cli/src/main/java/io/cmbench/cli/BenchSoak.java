package io.cmbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cmbench.cluster.ClusterSpec;
import io.cmbench.cluster.LocalCluster;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.SloSpec;
import io.cmbench.model.ScenarioSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cmbench bench soak}: a live run ({@link LiveRun}) of the paper scenario at its 50 ms operating point rate
 * ({@link PaperOperatingPoint}, decode-only as {@code run} does at that rate; {@code --load} another fraction of the
 * same capacity) on a local standalone cluster it starts
 * (Kafka and a Flink session cluster as separate JVMs), checkpointing on, for {@code --minutes} of wall-clock time at
 * {@code --speed}; then the verdicts of {@link SoakReport}: completions counted against the generator, each window's
 * emission lag against 2 x its length, heap after GC and checkpoint size flat over the last 2/3.
 * Exit code 1 when a judged criterion fails.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Live soak on a local standalone cluster: the paper's 50 ms operating point paced at --speed x real"
                + " time for --minutes, checkpointing on; lost/duplicated completions, window lag, heap after GC and"
                + " checkpoint size slopes, with a verdict each.")
final class BenchSoak implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Option(names = "--minutes", paramLabel = "M", defaultValue = "30",
            description = "Wall-clock minutes of paced arrivals (default: ${DEFAULT-VALUE}).")
    String minutes;

    @Option(names = "--speed", paramLabel = "X", defaultValue = "1",
            description = "Simulated seconds per wall-clock second (default: ${DEFAULT-VALUE}, real time).")
    String speed;

    @Option(names = "--load", paramLabel = "F", defaultValue = "1.05",
            description = "Offered rate as a fraction of the decode pool's capacity at its batch cap (default:"
                    + " ${DEFAULT-VALUE}, the paper's 50 ms operating point, what run --rate paper offers: its excess"
                    + " queues, so the queue, and with it the state, grows all run long; below 1 the queue is stable).")
    String load;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--window", paramLabel = "SECONDS", defaultValue = "10",
            description = "Tumbling window of simulated time (default: ${DEFAULT-VALUE}).")
    double windowSeconds;

    @Option(names = "--checkpoint-interval", paramLabel = "MS", defaultValue = "2000",
            description = "Checkpoint interval of both jobs (default: ${DEFAULT-VALUE}).")
    long checkpointMillis;

    @Option(names = "--sample-interval", paramLabel = "SECONDS", defaultValue = "10",
            description = "How often heap after GC and checkpoint size are sampled (default: ${DEFAULT-VALUE}).")
    double sampleSeconds;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @picocli.CommandLine.Mixin
    BenchCommand.Output output;

    @Override
    public Integer call() throws Exception {
        double wallMinutes = Options.positiveFinite(spec, "--minutes", minutes);
        double x = Options.positiveFinite(spec, "--speed", speed);
        InputChecks.parallelism(spec, parallelism);
        InputChecks.window(spec, windowSeconds);
        Options.require(spec, checkpointMillis > 0, "--checkpoint-interval", checkpointMillis, "must be > 0");
        Options.require(spec, sampleSeconds >= 1 && Double.isFinite(sampleSeconds), "--sample-interval", sampleSeconds,
                "must be >= 1");
        double loadFraction = Options.positiveFinite(spec, "--load", load);
        double simSeconds = wallMinutes * 60 * x;
        InputChecks.duration(spec, simSeconds);
        ScenarioSpec paper = ScenarioSpec.paperDefault();
        PaperOperatingPoint point = PaperOperatingPoint.of(paper, 4096, 256);
        // the paper's operating point is OVERLOAD x the capacity at the cap: the same capacity, another fraction
        double rate = point.requestsPerSecond() / PaperOperatingPoint.OVERLOAD * loadFraction;
        InputChecks.requestCount(spec, "--minutes x --speed", rate * simSeconds, minutes + " x " + speed);
        try (RunDirectory held = BenchCommand.workDir(output.out)) {
            return soak(held.path(), paper, point, rate, loadFraction, wallMinutes, x, simSeconds);
        }
    }

    private int soak(Path dir, ScenarioSpec paper, PaperOperatingPoint point, double rate, double loadFraction,
                     double wallMinutes, double x, double simSeconds) throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("soak"));
        say("starting a local cluster (Kafka, a Flink JobManager and 2 TaskManagers of %d slots) under %s ...",
                parallelism, dir.resolve("cluster"));
        // two jobs at a time (the emulation and the live analytics), each `parallelism` slots
        try (LocalCluster cluster = LocalCluster.start(ClusterSpec.ephemeral(dir.resolve("cluster").toAbsolutePath())
                .withTaskManagers(2, parallelism));
             SoakSampler sampler = new SoakSampler(cluster, sampleSeconds)) {
            RunConfig cfg = new RunConfig(seed, simSeconds, rate, 4096, 256, null, parallelism,
                    runDir, windowSeconds, SloSpec.defaults(), point.warmupWindows(windowSeconds), RunConfig.DRAIN_AUTO, 0,
                    cluster.bootstrapServers(), cluster.clientProperties(), List.of(paper), EmulationMode.DECODE_ONLY,
                    output.json, cluster.restAddress(), cluster.clientPropertiesFile().orElse(null), checkpointMillis,
                    "cmbench", null).withPerRequestOutput(false);
            if (loadFraction == PaperOperatingPoint.OVERLOAD) {
                say("%s", point.describe(EmulationMode.DECODE_ONLY));
            } else {
                say("offered: %,.1f requests/s, %.2f x the decode pool's capacity at its batch cap (decode-only)", rate,
                        loadFraction);
            }
            LiveRun live = new LiveRun(cfg, x, false, System.out, sampler);
            EmbeddedRun.Result result = live.run();
            CompletionAudit audit = CompletionAudit.of(cluster.bootstrapServers(), cluster.clientProperties(),
                    cfg.topics().completions(), result.requests(), List.of(paper.name()));
            SoakReport report = SoakReport.of(wallMinutes, rate, windowSeconds, live.facts(), result.windows(), audit, sampler.restarts(),
                    sampler.samples(), sampler.problems());
            JSON.writeValue(runDir.resolve("soak.json").toFile(), report.json());
            Path html = io.cmbench.report.ReportWriter.write(runDir);
            if (output.json) {
                System.out.println(JSON.writeValueAsString(report.json()));
            } else {
                System.out.printf("%nsoak: %.1f min at %s x real time, %,.0f requests/s (%.2f x the decode pool's capacity"
                                + " at its cap; 1.05: the paper's 50 ms operating point; decode-only), checkpoints every %d ms,"
                                + " %,d requests%n", wallMinutes,
                        x == Math.rint(x) ? String.format("%.0f", x) : Double.toString(x), rate, loadFraction,
                        checkpointMillis, result.requests());
                report.print(System.out);
                sampler.problems().forEach(p -> System.out.println("note: " + p));
                System.out.printf("%nresults: %s (soak.json, summary.json)%nreport:  %s%n", runDir.toAbsolutePath(),
                        html.toAbsolutePath());
            }
            if (!report.passed()) {
                System.err.println("cmbench: bench soak: a criterion failed (see the table; soak.json)");
                return 1;
            }
            return 0;
        }
    }

    private void say(String fmt, Object... args) {
        if (!output.json) {
            System.out.printf(fmt + "%n", args);
        }
    }
}
