package io.cmbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cmbench.report.ReportInputException;
import io.cmbench.report.ReportWriter;
import io.cmbench.schemas.SloWindow;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cmbench report}: rebuilds a run's HTML report from its output directory ({@code --in}), or from the
 * slo-windows topic of a Kafka cluster ({@code --from-topic}) — e.g. the windows a long-running analytics job on a
 * cluster keeps writing.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write a self-contained HTML report (works offline) of a run or of an SLO windows topic.",
                "From a run's output directory (--in DIR) or from the windows a running analytics job writes"
                        + " (--from-topic TOPIC --bootstrap HOST:PORT)."})
final class ReportFromTopicCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--in", paramLabel = "DIR", description = "A run's output directory (with --from-topic: where to write).")
    Path in;

    @Option(names = "--out", paramLabel = "FILE", description = "Report file (default: DIR/report.html).")
    Path out;

    @Option(names = "--from-topic", paramLabel = "TOPIC", description = "Read the SLO windows from this Kafka topic (a run writes them to PREFIX.slo-windows).")
    String topic;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka cluster of --from-topic.")
    String bootstrap;

    @Option(names = "--client-properties", paramLabel = "FILE", description = "Kafka client properties (e.g. SASL).")
    Path clientProperties;

    @Option(names = "--warmup-windows", paramLabel = "N", defaultValue = "0", description = "Windows left out of the summary at the start (default: ${DEFAULT-VALUE}).")
    int warmupWindows;

    @Option(names = "--drain-windows", paramLabel = "N", defaultValue = "0", description = "Windows left out of the summary at the end (default: ${DEFAULT-VALUE}).")
    int drainWindows;

    @Override
    public Integer call() throws Exception {
        if (topic == null) {
            Options.require(spec, in != null, "--in", in, "is required (or --from-topic)");
            Options.require(spec, Files.isDirectory(in), "--in", in, "no such directory");
            Options.require(spec, bootstrap == null, "--bootstrap", bootstrap, "goes with --from-topic");
        } else {
            Options.require(spec, bootstrap != null, "--from-topic", topic, "needs --bootstrap");
        }
        Options.require(spec, warmupWindows >= 0, "--warmup-windows", warmupWindows, "must be >= 0");
        Options.require(spec, drainWindows >= 0, "--drain-windows", drainWindows, "must be >= 0");
        Properties props = InputChecks.kafkaOptions(spec, bootstrap, clientProperties);
        Path dir = in != null ? in : Path.of("runs", "report-" + topic);
        if (topic != null) {
            Reachability.check(null, bootstrap, props);
            Files.createDirectories(dir);
            Map<String, Long> foreign = new LinkedHashMap<>();
            List<SloWindow> windows = latestPerWindow(ResultReader.read(bootstrap, props, topic, foreign,
                    b -> SloWindow.fromByteBuffer(ByteBuffer.wrap(b))));
            foreign.forEach((t, n) -> System.out.printf("warning: %,d record(s) in %s are not SLO windows: skipped%n", n, t));
            if (windows.isEmpty()) {
                throw new RunRefusedException("--from-topic: topic " + topic + " at " + bootstrap
                        + " holds no SLO windows, got '" + topic + "'");
            }
            write(dir, windows);
            System.out.printf("read %,d SLO windows from %s%n", windows.size(), topic);
        }
        Path report;
        try {
            report = out != null ? ReportWriter.write(dir, out) : ReportWriter.write(dir);
        } catch (ReportInputException e) {
            throw new ParameterException(spec.commandLine(), "--in: " + e.getMessage());
        }
        System.out.println("report: " + report.toAbsolutePath());
        return 0;
    }

    /** A window re-fired by allowed lateness appears again: the latest record per (scenario, start) wins. */
    static List<SloWindow> latestPerWindow(List<SloWindow> records) {
        Map<String, SloWindow> latest = new TreeMap<>();
        for (SloWindow w : records) {
            latest.put(w.getScenario() + "\u0000" + String.format("%020d", w.getWindowStartMicros()), w);
        }
        List<SloWindow> out = new ArrayList<>(latest.values());
        out.sort(Comparator.comparing(SloWindow::getScenario).thenComparingLong(SloWindow::getWindowStartMicros));
        return out;
    }

    private void write(Path dir, List<SloWindow> windows) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("slo-windows.jsonl"), StandardCharsets.UTF_8)) {
            for (SloWindow sw : windows) {
                w.write(json.writeValueAsString(AvroJson.toMap(sw)));
                w.write('\n');
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("source", "topic " + topic + " at " + bootstrap);
        config.put("slos", windows.get(0).getSlos().stream().map(s -> s.getName()).toList());
        config.put("window_s", (windows.get(0).getWindowEndMicros() - windows.get(0).getWindowStartMicros()) / 1e6);
        config.put("warmup_windows", warmupWindows);
        config.put("drain_windows", drainWindows);
        summary.put("config", config);
        summary.put("scenarios", RunSummary.of(windows, warmupWindows, drainWindows));
        json.enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("summary.json").toFile(), summary);
    }
}
