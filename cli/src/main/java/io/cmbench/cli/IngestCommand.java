package io.cmbench.cli;

import io.cmbench.jobs.KafkaTopics;
import io.cmbench.jobs.SloSpec;
import io.cmbench.schemas.Completion;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cmbench ingest FILE}: per-request timings measured on a real serving system go into the
 * completions topic, so the same SLO analytics and report run on them. Without {@code --bootstrap} it
 * starts the embedded broker, runs the analytics and prints the tables like {@code run}.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Run the SLO analytics and the report on timings measured on a real serving system.",
                "FILE holds one request per CSV row or JSON line (the format: docs/INGEST.md). With --bootstrap the"
                        + " timings are only published, as completions, to that Kafka cluster."})
final class IngestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Timings file (.csv or .jsonl).")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT", description = "csv | jsonl (default: from the file name).")
    String format;

    @Option(names = "--decode-npus", paramLabel = "N", required = true, description = "NPUs (or GPUs) that served the decode phase: the per-NPU denominator.")
    int decodeNpus;

    @Option(names = "--prefill-npus", paramLabel = "N", description = "NPUs that served the prefill phase (default: --decode-npus, a colocated system).")
    Integer prefillNpus;

    @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "measured", description = "Scenario name in the results (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Only publish to this Kafka cluster's completions topic.")
    String bootstrap;

    @Option(names = "--client-properties", paramLabel = "FILE", description = "Kafka client properties for every client.")
    Path clientProperties;

    @Option(names = "--window", paramLabel = "SECONDS", defaultValue = "10", description = "Tumbling window, seconds (default: ${DEFAULT-VALUE}).")
    double windowSeconds;

    @Option(names = "--slo", paramLabel = "SLO", split = ",", defaultValue = "tpot15,tpot50", description = "SLOs (default: ${DEFAULT-VALUE}).")
    List<String> slos;

    @Option(names = "--warmup-windows", paramLabel = "N", defaultValue = "0", description = "Windows left out of the summary at the start (default: ${DEFAULT-VALUE}).")
    int warmupWindows;

    @Option(names = "--drain-windows", paramLabel = "N", defaultValue = "0", description = "Windows left out of the summary at the end (default: ${DEFAULT-VALUE}).")
    int drainWindows;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/ingest-<timestamp>).")
    Path out;

    @Override
    public Integer call() throws Exception {
        InputChecks.textFile(spec, "FILE", file);
        MeasuredTimings.Format fmt = format(format, file);
        Options.require(spec, decodeNpus > 0, "--decode-npus", decodeNpus, "must be > 0");
        int prefill = prefillNpus == null ? decodeNpus : prefillNpus;
        Options.require(spec, prefill > 0, "--prefill-npus", prefill, "must be > 0");
        InputChecks.window(spec, windowSeconds);
        Options.require(spec, warmupWindows >= 0, "--warmup-windows", warmupWindows, "must be >= 0");
        Options.require(spec, drainWindows >= 0, "--drain-windows", drainWindows, "must be >= 0");
        Options.require(spec, !scenario.isBlank(), "--scenario", scenario, "must not be blank");
        List<SloSpec> sloSpecs = Options.slos(spec, slos);
        InputChecks.uniqueSlos(spec, sloSpecs);
        Properties props = InputChecks.kafkaOptions(spec, bootstrap, clientProperties);
        List<Completion> completions;
        try {
            completions = MeasuredTimings.read(file, fmt, scenario, decodeNpus, prefill);
        } catch (MeasuredTimings.BadLineException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (bootstrap != null) {
            Reachability.check(null, bootstrap, props);
            CompletionPublisher.publish(bootstrap, props, KafkaTopics.defaults().completions(), completions);
            System.out.printf("published %,d measured completions to %s at %s%n", completions.size(),
                    KafkaTopics.defaults().completions(), bootstrap);
            return 0;
        }
        try (RunDirectory dir = RunDirectory.claim(out, Path.of("runs"), "ingest-")) {
            Path outDir = dir.path();
            System.setProperty(CommandErrors.LOG_FILE_PROPERTY, outDir.resolve("cmbench.log").toString());
            RunConfig cfg = new RunConfig(0L, 0, 0, 0, 0, null, 1, outDir, windowSeconds, List.copyOf(sloSpecs),
                    warmupWindows, drainWindows, 0, null, props, List.of(), null, false);
            EmbeddedRun.Result r = new EmbeddedRun(cfg, System.out).analyzeMeasured(completions);
            System.out.println();
            SummaryTable.printWindows(System.out, r.windows(), sloSpecs.stream().map(SloSpec::name).toList());
            SummaryTable.printSummaries(System.out, r.summaries());
            System.out.printf("%nresults: %s (summary.json, slo-windows.jsonl)%n", outDir.toAbsolutePath());
            System.out.printf("report:  %s%n", io.cmbench.report.ReportWriter.write(outDir).toAbsolutePath());
            return 0;
        }
    }

    private MeasuredTimings.Format format(String given, Path f) {
        String v = given != null ? given : f.getFileName().toString().replaceAll("^.*\\.", "");
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "csv" -> MeasuredTimings.Format.CSV;
            case "jsonl", "json" -> MeasuredTimings.Format.JSONL;
            default -> throw new ParameterException(spec.commandLine(), given != null
                    ? "--format: unknown value '" + given + "' (expected csv or jsonl)"
                    : "--format: cannot tell the format of '" + f + "' from its name; give --format csv|jsonl");
        };
    }

}
