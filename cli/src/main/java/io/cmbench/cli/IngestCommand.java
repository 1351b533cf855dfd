package io.cmbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cmbench.cli.ingest.FormatDetector;
import io.cmbench.cli.ingest.IngestFormat;
import io.cmbench.cli.ingest.MeasuredCompletions;
import io.cmbench.cli.ingest.MeasuredRun;
import io.cmbench.jobs.KafkaTopics;
import io.cmbench.jobs.SloSpec;
import io.cmbench.report.CompareReport;
import io.cmbench.schemas.Completion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * starts the embedded broker, runs the analytics and prints the tables like {@code run}; with {@code --compare}
 * it also puts the measured run beside an emulated one in {@code compare.html}.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Run the SLO analytics and the report on timings measured on a real serving system.",
                "FILE is a result file of vLLM's serving benchmark, SGLang's bench_serving or GuideLLM, as they write it,"
                        + " or cmbench's own CSV / JSON lines (docs/INGEST.md). With --bootstrap the timings are only"
                        + " published, as completions, to that Kafka cluster."})
final class IngestCommand implements Callable<Integer> {

    /** The side-by-side report's file name in the output directory. */
    static final String COMPARE_FILE = "compare.html";

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Result file (vLLM, SGLang, GuideLLM or cmbench format).")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT", description = IngestFormat.VALUES
            + " (default: told from the content; csv and jsonl mean cmbench).")
    String format;

    @Option(names = "--result", paramLabel = "N", description = "Which result, from 0, when FILE holds several (runs"
            + " appended by SGLang or vLLM --append-result, the benchmarks of a GuideLLM sweep).")
    Integer result;

    @Option(names = "--compare", paramLabel = "RUN_DIR", description = "An emulated run's output directory: also write"
            + " " + COMPARE_FILE + ", the measured and the emulated run side by side.")
    Path compare;

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
        Options.require(spec, decodeNpus > 0, "--decode-npus", decodeNpus, "must be > 0");
        int prefill = prefillNpus == null ? decodeNpus : prefillNpus;
        Options.require(spec, prefill > 0, "--prefill-npus", prefill, "must be > 0");
        InputChecks.window(spec, windowSeconds);
        Options.require(spec, warmupWindows >= 0, "--warmup-windows", warmupWindows, "must be >= 0");
        Options.require(spec, drainWindows >= 0, "--drain-windows", drainWindows, "must be >= 0");
        Options.require(spec, !scenario.isBlank(), "--scenario", scenario, "must not be blank");
        Options.require(spec, result == null || result >= 0, "--result", result, "must be >= 0");
        Options.require(spec, compare == null || bootstrap == null, "--compare", compare,
                "writes a report of this run, which --bootstrap does not run");
        List<SloSpec> sloSpecs = Options.slos(spec, slos);
        InputChecks.uniqueSlos(spec, sloSpecs);
        Properties props = InputChecks.kafkaOptions(spec, bootstrap, clientProperties);
        if (compare != null) {
            Options.require(spec, Files.isDirectory(compare), "--compare", compare,
                    Files.exists(compare) ? "not a directory" : "no such directory");
            try {
                CompareReport.check(compare);
            } catch (IOException e) {
                String why = e.getMessage() == null ? "unreadable" : e.getMessage();
                String prefix = compare + ": ";
                throw InputChecks.error(spec, "--compare", why.startsWith(prefix) ? why.substring(prefix.length()) : why,
                        compare);
            }
        }
        MeasuredRun measured;
        try {
            IngestFormat fmt = format != null ? IngestFormat.parse(format) : FormatDetector.detect(file);
            measured = fmt.read(file, result);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new ParameterException(spec.commandLine(), m.startsWith("unknown value") ? "--format: " + m : m);
        }
        if (measured.requests().isEmpty()) {
            throw new ParameterException(spec.commandLine(), "FILE: no successful request in the file"
                    + (measured.failedRequests() > 0 ? " (" + measured.failedRequests() + " failed; first: "
                    + measured.firstFailure() + ")" : "") + ", got '" + file + "'");
        }
        List<Completion> completions = MeasuredCompletions.of(measured.requests(), scenario, decodeNpus, prefill);
        System.out.printf("read %,d requests from %s (%s format); arrivals: %s%n", completions.size(), file, measured.format().label,
                measured.arrivals());
        if (measured.failedRequests() > 0) {
            System.out.printf("left out %,d failed request%s (first: %s)%n", measured.failedRequests(),
                    measured.failedRequests() == 1 ? "" : "s", measured.firstFailure());
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
            recordInput(outDir.resolve("summary.json"), measured);
            System.out.println();
            SummaryTable.printWindows(System.out, r.windows(), sloSpecs.stream().map(SloSpec::name).toList());
            SummaryTable.printSummaries(System.out, r.summaries());
            System.out.printf("%nresults: %s (summary.json, slo-windows.jsonl)%n", outDir.toAbsolutePath());
            System.out.printf("report:  %s%n", io.cmbench.report.ReportWriter.write(outDir).toAbsolutePath());
            if (compare != null) {
                System.out.printf("compare: %s%n", CompareReport.write(outDir, compare, outDir.resolve(COMPARE_FILE))
                        .toAbsolutePath());
            }
            return 0;
        }
    }

    /** summary.json says what was read: the file, its format, how arrivals were obtained, the failed requests left out. */
    private void recordInput(Path summaryFile, MeasuredRun measured) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode summary = (ObjectNode) json.readTree(summaryFile.toFile());
        ObjectNode in = summary.putObject("measured_input");
        in.put("file", file.toString());
        in.put("format", measured.format().label);
        if (result != null) {
            in.put("result", result);
        }
        in.put("requests", measured.requests().size());
        in.put("failed_requests_left_out", measured.failedRequests());
        if (measured.firstFailure() != null) {
            in.put("first_failure", measured.firstFailure());
        }
        in.put("arrivals", measured.arrivals());
        json.writeValue(summaryFile.toFile(), summary);
    }
}
