package io.cmbench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.HdrHistogram.Histogram;

/**
 * Test helper: writes a small, realistic, self-consistent run directory in the format of
 * {@code ./cmbench run} (summary.json, slo-windows.jsonl with real compressed HdrHistograms,
 * completions.jsonl[.gz], run-info.json). Windows and summary are computed here directly from the
 * generated completions by the definitions of docs/METRICS.md, independently of the report's code.
 *
 * <p>Regenerate the checked-in fixture with
 * {@code java -cp ... io.cmbench.report.FixtureRun src/test/resources/fixture-run}.
 */
final class FixtureRun {

    /** One scenario: its deployment shape and the latency model its completions are drawn from. */
    record Scenario(String name, String profile, String deployment, int batchCapPerNpu, int decodeNpus, int prefillNpus,
                    int diesPerNpu, double ttftMedianMs, double tpotMeanMs, double tpotSdMs) {}

    static final List<Scenario> DEFAULT_SCENARIOS = List.of(
            new Scenario("cloudmatrix384", "cloudmatrix384", "cloudmatrix-infer", 96, 8, 4, 2, 650, 44, 4.5),
            new Scenario("cloudmatrix384-b8", "cloudmatrix384", "cloudmatrix-infer", 8, 8, 4, 2, 1400, 14.0, 1.3),
            new Scenario("h800", "h800", "deepseek-h800", 128, 8, 4, 1, 800, 47, 6));

    static final long[] SLO_TPOT_MICROS = {15_000, 50_000};
    static final String[] SLO_NAMES = {"tpot15", "tpot50"};

    long seed = 42;
    double ratePerSec = 24;
    double durationSeconds = 26;
    double windowSeconds = 2;
    int promptTokens = 4096;
    int outputTokens = 128;
    int warmupWindows = 3;
    int drainWindows = 3;
    boolean gzipCompletions = true;
    boolean writeCompletions = true;
    List<Scenario> scenarios = DEFAULT_SCENARIOS;
    /** Cost model variant recorded for every scenario, as the launcher writes it; null: none (older runs). */
    String calibration = null;
    /** The emulation mode recorded in the config ({@code FULL}, {@code DECODE_ONLY}, ...). */
    String mode = "FULL";
    /** What {@code ./cmbench run} writes for the paper's configuration under these SLOs: the published bests. */
    boolean publishedBySlo = true;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper JSONL = new ObjectMapper();

    record Completion(String scenario, String requestId, long arrival, long first, long last, int outputTokens,
                      int promptTokens, int decodeInstance, int decodeDie, int decodeNpus, int prefillNpus) {
        long ttft() {
            return first - arrival;
        }

        long tpot() {
            return outputTokens >= 2 ? (last - first) / (outputTokens - 1) : -1;
        }

        long e2e() {
            return last - arrival;
        }

        boolean meets(long tpotBound) {
            return outputTokens < 2 || tpot() <= tpotBound;
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/fixture-run");
        new FixtureRun().write(dir);
        System.out.println("fixture written to " + dir.toAbsolutePath());
    }

    /** Generates the completions of every scenario for the same arrivals (fan-out), sorted like the CLI's. */
    List<Completion> completions() {
        Random arrivals = new Random(seed);
        List<Long> times = new ArrayList<>();
        double t = 0;
        while (true) {
            t += -Math.log(1 - arrivals.nextDouble()) / ratePerSec;
            if (t >= durationSeconds) {
                break;
            }
            times.add(Math.round(t * 1e6));
        }
        List<Completion> out = new ArrayList<>();
        for (int si = 0; si < scenarios.size(); si++) {
            Scenario s = scenarios.get(si);
            Random r = new Random(seed * 31 + si);
            int dies = s.decodeNpus() * s.diesPerNpu();
            double[] dieWeight = new double[dies];
            double sum = 0;
            for (int d = 0; d < dies; d++) {
                dieWeight[d] = 0.75 + 0.5 * r.nextDouble();
                sum += dieWeight[d];
            }
            for (int i = 0; i < times.size(); i++) {
                long arrival = times.get(i);
                double loadRamp = Math.min(1, arrival / 6e6); // the decode batch fills during the first seconds
                double ttftMs = s.ttftMedianMs() * (0.6 + 0.4 * loadRamp) * Math.exp(0.35 * r.nextGaussian());
                double tpotMs = Math.max(s.tpotMeanMs() * 0.3,
                        s.tpotMeanMs() * (0.8 + 0.2 * loadRamp) + s.tpotSdMs() * r.nextGaussian());
                long ttft = Math.round(ttftMs * 1000);
                long tpot = Math.round(tpotMs * 1000);
                long first = arrival + ttft;
                long last = first + tpot * (outputTokens - 1);
                double pick = r.nextDouble() * sum;
                int die = 0;
                while (die < dies - 1 && (pick -= dieWeight[die]) > 0) {
                    die++;
                }
                out.add(new Completion(s.name(), String.format("r%06d", i), arrival, first, last, outputTokens,
                        promptTokens, 0, die, s.decodeNpus(), s.prefillNpus()));
            }
        }
        out.sort(Comparator.comparing(Completion::scenario).thenComparing(Completion::requestId));
        return out;
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Completion> all = completions();
        long windowMicros = Math.round(windowSeconds * 1e6);

        List<Map<String, Object>> windowLines = new ArrayList<>();
        List<Map<String, Object>> summaries = new ArrayList<>();
        List<Scenario> byName = new ArrayList<>(scenarios);
        byName.sort(Comparator.comparing(Scenario::name));
        for (Scenario s : byName) {
            List<Completion> cs = all.stream().filter(c -> c.scenario().equals(s.name())).toList();
            long lastWindow = cs.stream().mapToLong(c -> c.last() / windowMicros).max().orElse(0);
            for (long w = 0; w <= lastWindow; w++) {
                long start = w * windowMicros;
                long end = start + windowMicros;
                List<Completion> in = cs.stream().filter(c -> c.last() >= start && c.last() < end).toList();
                windowLines.add(window(s, start, end, in));
            }
            int windows = (int) lastWindow + 1;
            int first = windows > warmupWindows + drainWindows ? warmupWindows : 0;
            int lastKept = windows > warmupWindows + drainWindows ? windows - drainWindows - 1 : windows - 1;
            long start = first * windowMicros;
            long end = (lastKept + 1) * windowMicros;
            List<Completion> steady = cs.stream().filter(c -> c.last() >= start && c.last() < end).toList();
            summaries.add(summary(s, windows, lastKept - first + 1, start, end, steady));
        }

        try (Writer w = Files.newBufferedWriter(dir.resolve("slo-windows.jsonl"), StandardCharsets.UTF_8)) {
            for (Map<String, Object> m : windowLines) {
                w.write(JSONL.writeValueAsString(m));
                w.write('\n');
            }
        }
        Files.deleteIfExists(dir.resolve("completions.jsonl"));
        Files.deleteIfExists(dir.resolve("completions.jsonl.gz"));
        if (writeCompletions) {
            Path f = dir.resolve(gzipCompletions ? "completions.jsonl.gz" : "completions.jsonl");
            try (OutputStream raw = Files.newOutputStream(f);
                 OutputStream os = gzipCompletions ? new GZIPOutputStream(raw) : raw;
                 Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8)) {
                for (Completion c : all) {
                    w.write(JSONL.writeValueAsString(completionJson(c)));
                    w.write('\n');
                }
            }
        }

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("seed", seed);
        config.put("duration_s", durationSeconds);
        config.put("rate_per_s", ratePerSec);
        config.put("prompt_tokens", promptTokens);
        config.put("output_tokens", outputTokens);
        config.put("workload", null);
        config.put("window_s", windowSeconds);
        config.put("slos", List.of(SLO_NAMES));
        config.put("warmup_windows", warmupWindows);
        config.put("drain_windows", drainWindows);
        config.put("mode", mode);
        List<Map<String, Object>> sc = new ArrayList<>();
        for (Scenario s : scenarios) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("profile", s.profile());
            m.put("model", "deepseek-r1");
            m.put("deployment", s.deployment());
            m.put("decodeBatchCapPerNpu", s.batchCapPerNpu());
            if (calibration != null) {
                m.put("calibration", calibration);
            }
            sc.add(m);
        }
        config.put("scenarios", sc);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("config", config);
        summary.put("requests", all.size() / Math.max(1, scenarios.size()));
        summary.put("completions", all.size());
        summary.put("dead_letters", 0);
        summary.put("scenarios", summaries);
        if (publishedBySlo) {
            Map<String, Object> by = new LinkedHashMap<>();
            by.put("tpot15", Map.of("id", "paper-decode-b8", "batch_per_npu", 8, "tpot_ms", 14.9, "tokens_per_s_per_npu", 538.0));
            by.put("tpot50", Map.of("id", "paper-decode-b96", "batch_per_npu", 96, "tpot_ms", 49.4, "tokens_per_s_per_npu", 1943.0));
            summary.put("published_by_slo", by);
        }
        JSON.writeValue(dir.resolve("summary.json").toFile(), summary);

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("wall_seconds", 41.7);
        info.put("parallelism", 2);
        info.put("java", "17.0.14");
        info.put("available_processors", 2);
        info.put("flink", "2.2.1");
        info.put("kafka", "4.2.0");
        JSON.writeValue(dir.resolve("run-info.json").toFile(), info);
    }

    private Map<String, Object> window(Scenario s, long start, long end, List<Completion> in) {
        double secs = (end - start) / 1e6;
        long tokens = in.stream().mapToLong(Completion::outputTokens).sum();
        long prompt = in.stream().mapToLong(Completion::promptTokens).sum();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", s.name());
        m.put("windowStartMicros", start);
        m.put("windowEndMicros", end);
        m.put("decodeNpus", s.decodeNpus());
        m.put("prefillNpus", s.prefillNpus());
        m.put("completedRequests", (long) in.size());
        m.put("outputTokens", tokens);
        m.put("promptTokens", prompt);
        m.put("outputTokensPerSecPerNpu", tokens / secs / s.decodeNpus());
        m.put("prefillTokensPerSecPerNpu", prompt / secs / s.prefillNpus());
        List<Map<String, Object>> slos = new ArrayList<>();
        for (int k = 0; k < SLO_NAMES.length; k++) {
            long bound = SLO_TPOT_MICROS[k];
            List<Completion> good = in.stream().filter(c -> c.meets(bound)).toList();
            long goodTokens = good.stream().mapToLong(Completion::outputTokens).sum();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", SLO_NAMES[k]);
            r.put("tpotBoundMicros", bound);
            r.put("ttftBoundMicros", -1L);
            r.put("goodRequests", (long) good.size());
            r.put("goodOutputTokens", goodTokens);
            r.put("goodputTokensPerSecPerNpu", goodTokens / secs / s.decodeNpus());
            r.put("requestGoodputPerSec", good.size() / secs);
            r.put("attainment", in.isEmpty() ? 0.0 : (double) good.size() / in.size());
            slos.add(r);
        }
        m.put("slos", slos);
        m.put("ttft", latencySummary(in.stream().mapToLong(Completion::ttft).toArray()));
        m.put("tpot", latencySummary(in.stream().filter(c -> c.outputTokens() >= 2).mapToLong(Completion::tpot).toArray()));
        m.put("e2e", latencySummary(in.stream().mapToLong(Completion::e2e).toArray()));
        return m;
    }

    static Histogram histogram(long[] values) {
        Histogram h = new Histogram(3);
        for (long v : values) {
            h.recordValue(v);
        }
        return h;
    }

    static byte[] encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity() + 64);
        int n = h.encodeIntoCompressedByteBuffer(buf);
        byte[] out = new byte[n];
        buf.flip();
        buf.get(out);
        return out;
    }

    private static Map<String, Object> latencySummary(long[] values) {
        Histogram h = histogram(values);
        boolean empty = h.getTotalCount() == 0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        m.put("p50Micros", empty ? 0 : h.getValueAtPercentile(50));
        m.put("p90Micros", empty ? 0 : h.getValueAtPercentile(90));
        m.put("p99Micros", empty ? 0 : h.getValueAtPercentile(99));
        m.put("p999Micros", empty ? 0 : h.getValueAtPercentile(99.9));
        m.put("maxMicros", empty ? 0 : h.getMaxValue());
        m.put("histogram", Base64.getEncoder().encodeToString(encode(h)));
        return m;
    }

    private Map<String, Object> summary(Scenario s, int windows, int steadyWindows, long start, long end,
                                        List<Completion> steady) {
        double secs = (end - start) / 1e6;
        long tokens = steady.stream().mapToLong(Completion::outputTokens).sum();
        long prompt = steady.stream().mapToLong(Completion::promptTokens).sum();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", s.name());
        m.put("decodeNpus", s.decodeNpus());
        m.put("prefillNpus", s.prefillNpus());
        m.put("windows", windows);
        m.put("steadyWindows", steadyWindows);
        m.put("steadyStartMicros", start);
        m.put("steadyEndMicros", end);
        m.put("completedRequests", (long) steady.size());
        m.put("outputTokens", tokens);
        m.put("outputTokensPerSecPerNpu", tokens / secs / s.decodeNpus());
        m.put("prefillTokensPerSecPerNpu", prompt / secs / s.prefillNpus());
        Map<String, Object> slos = new LinkedHashMap<>();
        for (int k = 0; k < SLO_NAMES.length; k++) {
            long bound = SLO_TPOT_MICROS[k];
            List<Completion> good = steady.stream().filter(c -> c.meets(bound)).toList();
            long goodTokens = good.stream().mapToLong(Completion::outputTokens).sum();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("tpotBoundMicros", bound);
            r.put("ttftBoundMicros", -1L);
            r.put("goodRequests", (long) good.size());
            r.put("goodOutputTokens", goodTokens);
            r.put("goodputTokensPerSecPerNpu", goodTokens / secs / s.decodeNpus());
            r.put("attainment", steady.isEmpty() ? 0.0 : (double) good.size() / steady.size());
            slos.put(SLO_NAMES[k], r);
        }
        m.put("slos", slos);
        m.put("ttft", latency(histogram(steady.stream().mapToLong(Completion::ttft).toArray())));
        m.put("tpot", latency(histogram(steady.stream().filter(c -> c.outputTokens() >= 2).mapToLong(Completion::tpot).toArray())));
        m.put("e2e", latency(histogram(steady.stream().mapToLong(Completion::e2e).toArray())));
        return m;
    }

    private static Map<String, Object> latency(Histogram h) {
        boolean empty = h.getTotalCount() == 0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        m.put("p50Ms", empty ? 0.0 : h.getValueAtPercentile(50) / 1000.0);
        m.put("p90Ms", empty ? 0.0 : h.getValueAtPercentile(90) / 1000.0);
        m.put("p99Ms", empty ? 0.0 : h.getValueAtPercentile(99) / 1000.0);
        m.put("p999Ms", empty ? 0.0 : h.getValueAtPercentile(99.9) / 1000.0);
        m.put("maxMs", empty ? 0.0 : h.getMaxValue() / 1000.0);
        return m;
    }

    private static Map<String, Object> completionJson(Completion c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", c.scenario());
        m.put("requestId", c.requestId());
        m.put("arrivalTimeMicros", c.arrival());
        m.put("promptTokens", c.promptTokens());
        m.put("outputTokens", c.outputTokens());
        m.put("cacheHitTokens", 0);
        long prefillStart = c.arrival() + (c.first() - c.arrival()) / 4;
        long prefillEnd = c.arrival() + (c.first() - c.arrival()) * 9 / 10;
        m.put("prefillStartMicros", prefillStart);
        m.put("prefillEndMicros", prefillEnd);
        m.put("kvTransferEndMicros", prefillEnd + (c.first() - prefillEnd) / 2);
        m.put("firstTokenMicros", c.first());
        m.put("lastTokenMicros", c.last());
        m.put("prefillInstance", 0);
        m.put("decodeInstance", c.decodeInstance());
        m.put("decodeDie", c.decodeDie());
        m.put("prefillQueueMicros", prefillStart - c.arrival());
        m.put("decodeQueueMicros", 0);
        m.put("prefillNpus", c.prefillNpus());
        m.put("decodeNpus", c.decodeNpus());
        m.put("source", "emulated");
        return m;
    }
}
