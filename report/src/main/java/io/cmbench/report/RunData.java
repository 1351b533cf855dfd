package io.cmbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Everything the report shows, read from a run's output directory (the files {@code ./cmbench run}
 * writes; see README.md of this module). Only {@code slo-windows.jsonl} or {@code summary.json} is
 * required; every other input is optional and its section says so when absent.
 */
record RunData(
        Path dir,
        Config config,
        long requests,
        long completions,
        long deadLetters,
        RunInfo runInfo,
        List<String> scenarios,
        Map<String, ScenarioSummary> summaries,
        Map<String, List<Window>> windows,
        Map<String, DieSpread> dieSpread,
        Sweep sweep,
        Map<String, Map<String, Double>> modelBreakdown,
        Map<String, PublishedPoint> publishedReference,
        Map<String, PublishedPoint> publishedBySlo) {

    /**
     * A published decode point: of a scenario's configuration at its cap ({@code summary.json → published_reference},
     * keyed by scenario), or the published best under an SLO ({@code published_by_slo}, keyed by SLO name).
     */
    record PublishedPoint(String id, int batchPerNpu, double tpotMs, double tokensPerSecPerNpu, String source) {}

    static final String SUMMARY = "summary.json";
    static final String WINDOWS = "slo-windows.jsonl";
    static final String COMPLETIONS = "completions.jsonl";
    static final String RUN_INFO = "run-info.json";
    /** Optional: operating points of a sweep (future {@code ./cmbench sweep}). */
    static final String SWEEP = "sweep.json";
    /** Optional: the cost model's per-operator breakdown, {@code {scenario: {operator: micros}}}. */
    static final String MODEL_BREAKDOWN = "model-breakdown.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    // ---------------------------------------------------------------- records

    /** @param calibration the cost model variant ({@code calibrated}, {@code physics}); null when not recorded */
    record ScenarioConfig(String name, String profile, String model, String deployment, int decodeBatchCapPerNpu,
                          String calibration) {}

    /** The run's configuration ({@code summary.json → config}); fields are null/NaN when unknown. */
    record Config(Long seed, Double durationSeconds, Double ratePerSec, Integer promptTokens, Integer outputTokens,
                  String workload, Double windowSeconds, List<String> slos, Integer warmupWindows,
                  Integer drainWindows, String mode, List<ScenarioConfig> scenarios) {
        static Config empty() {
            return new Config(null, null, null, null, null, null, null, List.of(), null, null, null, List.of());
        }

        ScenarioConfig scenario(String name) {
            return scenarios.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
        }

        /** Requests arrived with their KV in place: the prefill pool did not run. */
        boolean decodeOnly() {
            return "DECODE_ONLY".equals(mode);
        }
    }

    record RunInfo(Double wallSeconds, Integer parallelism, String java, Integer availableProcessors, String flink,
                   String kafka) {
        static RunInfo empty() {
            return new RunInfo(null, null, null, null, null, null);
        }
    }

    /** One SLO's result over a span (a window or the steady state). */
    record SloCell(String name, long tpotBoundMicros, long ttftBoundMicros, long goodRequests, long goodOutputTokens,
                   double goodputTokensPerSecPerNpu, double attainment) {}

    /** Percentiles in milliseconds. */
    record Latency(long count, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs) {
        static Latency empty() {
            return new Latency(0, 0, 0, 0, 0, 0);
        }
    }

    /**
     * A scenario's steady-state summary ({@code summary.json → scenarios[]}, i.e. RunSummary).
     *
     * @param prefillTokensPerSecPerNpu null when the prefill pool did not run (decode-only)
     * @param beyondDrainWindows windows after the end of the drain ({@link SteadyState}), in no figure
     * @param beyondDrainRequests the requests that completed in them (still decoding when the drain ended)
     * @param beyondDrainFromMicros where those windows start; null when there are none
     * @param beyondDrainRequestIds the first of those requests by id, as far as the summary names them
     */
    record ScenarioSummary(String scenario, int decodeNpus, int prefillNpus, int windows, int steadyWindows,
                           long steadyStartMicros, long steadyEndMicros, long completedRequests, long outputTokens,
                           double outputTokensPerSecPerNpu, Double prefillTokensPerSecPerNpu,
                           Map<String, SloCell> slos, Latency ttft, Latency tpot, Latency e2e, int beyondDrainWindows,
                           long beyondDrainRequests, Long beyondDrainFromMicros, List<String> beyondDrainRequestIds) {}

    /** One SloWindow record; histograms stay encoded (compressed HdrHistogram bytes) until merged. */
    record Window(String scenario, long startMicros, long endMicros, int decodeNpus, int prefillNpus,
                  long completedRequests, long outputTokens, long promptTokens, double outputTokensPerSecPerNpu,
                  double prefillTokensPerSecPerNpu, Map<String, SloCell> slos, byte[] ttft, byte[] tpot, byte[] e2e,
                  long e2eMaxMicros) {
        double midSeconds() {
            return (startMicros + endMicros) / 2e6;
        }
    }

    /** One operating point: per-NPU output and goodput per SLO at an x value (batch cap/NPU or offered load). */
    record OperatingPoint(String scenario, double x, double outputTokensPerSecPerNpu, Map<String, Double> goodput,
                          Map<String, Double> attainment) {}

    /** Axis of the goodput-vs-operating-point chart. */
    enum Axis {
        BATCH_CAP_PER_NPU("decode batch cap per NPU (sequences)"),
        OFFERED_LOAD("offered load (requests/s)");

        final String label;

        Axis(String label) {
            this.label = label;
        }
    }

    /**
     * @param medianWithinBound per SLO, {@code ./cmbench sweep}'s "paper's reading": the fastest point whose median TPOT
     *     is within the bound, all its tokens counted (empty when the sweep has none or it is not a sweep file)
     */
    record Sweep(Axis axis, List<OperatingPoint> points, boolean fromFile, Map<String, MedianReading> medianWithinBound) {}

    /** Output tok/s per NPU of the fastest operating point whose median TPOT is within an SLO's bound. */
    record MedianReading(double tokensPerSecPerNpu, double batchPerNpu, double tpotMs) {}

    // ---------------------------------------------------------------- loading

    static RunData load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ReportInputException(dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
        }
        Path summaryFile = dir.resolve(SUMMARY);
        Path windowsFile = dir.resolve(WINDOWS);
        if (!Files.isRegularFile(summaryFile) && !Files.isRegularFile(windowsFile)
                && !Files.isRegularFile(gz(windowsFile))) {
            throw new ReportInputException(dir + ": not a cmbench run directory (no " + SUMMARY + " or " + WINDOWS + ")");
        }
        JsonNode summary = Files.isRegularFile(summaryFile) ? readJson(summaryFile) : JSON.nullNode();
        Config config = config(summary.path("config"));

        Map<String, List<Window>> windows = new TreeMap<>();
        forEachLine(windowsFile, n -> {
            Window w = window(n);
            windows.computeIfAbsent(w.scenario(), k -> new ArrayList<>()).add(w);
        });
        windows.values().forEach(l -> l.sort(Comparator.comparingLong(Window::startMicros)));

        Map<String, ScenarioSummary> summaries = new LinkedHashMap<>();
        for (JsonNode s : summary.path("scenarios")) {
            ScenarioSummary ss = scenarioSummary(s, config);
            summaries.put(ss.scenario(), ss);
        }

        Map<String, DieSpread.Builder> dies = new TreeMap<>();
        long[] completionLines = {0};
        forEachLine(dir.resolve(COMPLETIONS), n -> {
            completionLines[0]++;
            int die = n.path("decodeDie").asInt(-1);
            if (die < 0) {
                return; // prefill-only completions never reached a decode die
            }
            dies.computeIfAbsent(n.path("scenario").asText(), k -> new DieSpread.Builder())
                    .add(n.path("decodeInstance").asInt(0), die, n.path("outputTokens").asLong(0));
        });
        Map<String, DieSpread> dieSpread = new TreeMap<>();
        dies.forEach((k, b) -> dieSpread.put(k, b.build()));

        // scenario order: the config's order, then anything else seen, by name
        List<String> scenarios = new ArrayList<>();
        config.scenarios().forEach(s -> scenarios.add(s.name()));
        for (String s : summaries.keySet()) {
            if (!scenarios.contains(s)) {
                scenarios.add(s);
            }
        }
        for (String s : windows.keySet()) {
            if (!scenarios.contains(s)) {
                scenarios.add(s);
            }
        }
        scenarios.removeIf(s -> !summaries.containsKey(s) && !windows.containsKey(s));

        // a summary for every scenario: computed from all of its windows when summary.json lacks one
        for (String s : scenarios) {
            if (!summaries.containsKey(s)) {
                summaries.put(s, Aggregates.summarize(s, windows.get(s), 0, 0, SteadyState.ARRIVALS_UNKNOWN,
                        !config.decodeOnly()));
            }
        }

        RunInfo info = runInfo(dir.resolve(RUN_INFO));
        Sweep sweep = sweep(dir.resolve(SWEEP), config, summaries, scenarios);
        Map<String, Map<String, Double>> breakdown = breakdown(dir.resolve(MODEL_BREAKDOWN));
        long requests = summary.path("requests").asLong(-1);
        long completions = summary.has("completions") ? summary.path("completions").asLong() : completionLines[0];
        long dead = summary.path("dead_letters").asLong(0);
        return new RunData(dir, config, requests, completions, dead, info, List.copyOf(scenarios), summaries,
                windows, dieSpread, sweep, breakdown, publishedPoints(summary.path("published_reference")),
                publishedPoints(summary.path("published_by_slo")));
    }

    /** A JSON file of the run; one that does not parse is named with its line. */
    private static JsonNode readJson(Path f) throws IOException {
        try {
            return JSON.readTree(f.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ReportInputException(f + (line > 0 ? ":" + line : "") + ": not JSON (" + firstLine(e.getOriginalMessage())
                    + ")", e);
        }
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static Map<String, PublishedPoint> publishedPoints(JsonNode n) {
        Map<String, PublishedPoint> out = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> out.put(e.getKey(), new PublishedPoint(e.getValue().path("id").asText(),
                e.getValue().path("batch_per_npu").asInt(), e.getValue().path("tpot_ms").asDouble(),
                e.getValue().path("tokens_per_s_per_npu").asDouble(), e.getValue().path("source").asText())));
        return Map.copyOf(out);
    }

    private static Path gz(Path p) {
        return p.resolveSibling(p.getFileName() + ".gz");
    }

    /** Calls {@code each} per JSON line of {@code file} (or of {@code file.gz}); nothing when neither exists. */
    static void forEachLine(Path file, Consumer<JsonNode> each) throws IOException {
        Path f = Files.isRegularFile(file) ? file : gz(file);
        if (!Files.isRegularFile(f)) {
            return;
        }
        try (InputStream raw = Files.newInputStream(f);
             InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    each.accept(JSON.readTree(line));
                } catch (IOException | RuntimeException e) {
                    throw new ReportInputException(f + ":" + no + ": " + firstLine(e.getMessage()), e);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Config config(JsonNode c) {
        if (c.isMissingNode() || c.isNull()) {
            return Config.empty();
        }
        List<String> slos = new ArrayList<>();
        c.path("slos").forEach(n -> slos.add(n.asText()));
        List<ScenarioConfig> sc = new ArrayList<>();
        c.path("scenarios").forEach(n -> sc.add(new ScenarioConfig(n.path("name").asText(), text(n, "profile"),
                text(n, "model"), text(n, "deployment"), n.path("decodeBatchCapPerNpu").asInt(0), text(n, "calibration"))));
        return new Config(lng(c, "seed"), dbl(c, "duration_s"), dbl(c, "rate_per_s"), integer(c, "prompt_tokens"),
                integer(c, "output_tokens"), text(c, "workload"), dbl(c, "window_s"), slos,
                integer(c, "warmup_windows"), integer(c, "drain_windows"), text(c, "mode"), sc);
    }

    private static RunInfo runInfo(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            return RunInfo.empty();
        }
        JsonNode n = readJson(f);
        return new RunInfo(dbl(n, "wall_seconds"), integer(n, "parallelism"), text(n, "java"),
                integer(n, "available_processors"), text(n, "flink"), text(n, "kafka"));
    }

    private static ScenarioSummary scenarioSummary(JsonNode s, Config config) {
        Map<String, SloCell> slos = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = s.path("slos").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            slos.put(e.getKey(), new SloCell(e.getKey(), v.path("tpotBoundMicros").asLong(-1),
                    v.path("ttftBoundMicros").asLong(-1), v.path("goodRequests").asLong(),
                    v.path("goodOutputTokens").asLong(), v.path("goodputTokensPerSecPerNpu").asDouble(),
                    v.path("attainment").asDouble()));
        }
        return new ScenarioSummary(s.path("scenario").asText(), s.path("decodeNpus").asInt(),
                s.path("prefillNpus").asInt(), s.path("windows").asInt(), s.path("steadyWindows").asInt(),
                s.path("steadyStartMicros").asLong(), s.path("steadyEndMicros").asLong(),
                s.path("completedRequests").asLong(), s.path("outputTokens").asLong(),
                s.path("outputTokensPerSecPerNpu").asDouble(),
                // older decode-only runs wrote prompt tokens over the idle prefill NPUs: no throughput either
                config.decodeOnly() ? null : dbl(s, "prefillTokensPerSecPerNpu"), slos,
                latency(s.path("ttft")), latency(s.path("tpot")), latency(s.path("e2e")),
                s.path("beyondDrainWindows").asInt(0), s.path("beyondDrainRequests").asLong(0),
                lng(s, "beyondDrainFromMicros"), strings(s.path("beyondDrainRequestIds")));
    }

    private static Latency latency(JsonNode n) {
        if (n.isMissingNode() || n.isNull()) {
            return Latency.empty();
        }
        return new Latency(n.path("count").asLong(), n.path("p50Ms").asDouble(), n.path("p90Ms").asDouble(),
                n.path("p99Ms").asDouble(), n.path("p999Ms").asDouble(), n.path("maxMs").asDouble());
    }

    static Window window(JsonNode n) {
        Map<String, SloCell> slos = new LinkedHashMap<>();
        for (JsonNode r : n.path("slos")) {
            String name = r.path("name").asText();
            slos.put(name, new SloCell(name, r.path("tpotBoundMicros").asLong(-1), r.path("ttftBoundMicros").asLong(-1),
                    r.path("goodRequests").asLong(), r.path("goodOutputTokens").asLong(),
                    r.path("goodputTokensPerSecPerNpu").asDouble(), r.path("attainment").asDouble()));
        }
        return new Window(n.path("scenario").asText(), n.path("windowStartMicros").asLong(),
                n.path("windowEndMicros").asLong(), n.path("decodeNpus").asInt(), n.path("prefillNpus").asInt(),
                n.path("completedRequests").asLong(), n.path("outputTokens").asLong(), n.path("promptTokens").asLong(),
                n.path("outputTokensPerSecPerNpu").asDouble(), n.path("prefillTokensPerSecPerNpu").asDouble(), slos,
                histogram(n.path("ttft")), histogram(n.path("tpot")), histogram(n.path("e2e")),
                n.path("e2e").path("maxMicros").asLong(0));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }

    private static byte[] histogram(JsonNode latencySummary) {
        String b64 = latencySummary.path("histogram").asText("");
        return b64.isEmpty() ? new byte[0] : Base64.getDecoder().decode(b64);
    }

    /**
     * The operating points: from {@code sweep.json} when present, else one point per scenario — its decode
     * batch cap per NPU when every scenario sets one, otherwise the run's offered load.
     */
    private static Sweep sweep(Path f, Config config, Map<String, ScenarioSummary> summaries, List<String> scenarios)
            throws IOException {
        if (Files.isRegularFile(f)) {
            Sweep fromFile = sweepFile(readJson(f));
            if (!fromFile.points().isEmpty()) {
                return fromFile;
            }
        }
        boolean caps = !scenarios.isEmpty() && scenarios.stream().allMatch(s -> {
            ScenarioConfig c = config.scenario(s);
            return c != null && c.decodeBatchCapPerNpu() > 0;
        });
        Axis axis = caps || config.ratePerSec() == null ? Axis.BATCH_CAP_PER_NPU : Axis.OFFERED_LOAD;
        List<OperatingPoint> pts = new ArrayList<>();
        if (caps || config.ratePerSec() != null) {
            for (String s : scenarios) {
                ScenarioSummary sum = summaries.get(s);
                double x = caps ? config.scenario(s).decodeBatchCapPerNpu() : config.ratePerSec();
                Map<String, Double> good = new LinkedHashMap<>();
                Map<String, Double> att = new LinkedHashMap<>();
                sum.slos().forEach((k, v) -> {
                    good.put(k, v.goodputTokensPerSecPerNpu());
                    att.put(k, v.attainment());
                });
                pts.add(new OperatingPoint(s, x, sum.outputTokensPerSecPerNpu(), good, att));
            }
        }
        return new Sweep(axis, pts, false, Map.of());
    }

    /**
     * Two shapes are read: {@code ./cmbench sweep}'s ({@code points[]: {batch_per_npu, tokens_per_s_per_npu,
     * goodput_tokens_per_s_per_npu: {slo: v}}}, one series) and the general one ({@code axis:
     * batch_cap_per_npu|offered_load_rps, points[]: {scenario, x, outputTokensPerSecPerNpu, slos: {slo:
     * {goodputTokensPerSecPerNpu, attainment}}}}). Points of neither shape are ignored.
     */
    static Sweep sweepFile(JsonNode n) {
        Axis axis = "offered_load_rps".equals(n.path("axis").asText()) ? Axis.OFFERED_LOAD : Axis.BATCH_CAP_PER_NPU;
        String defaultSeries = n.path("scenario").asText("sweep");
        List<OperatingPoint> pts = new ArrayList<>();
        for (JsonNode p : n.path("points")) {
            Map<String, Double> good = new LinkedHashMap<>();
            Map<String, Double> att = new LinkedHashMap<>();
            if (p.has("x")) {
                Iterator<Map.Entry<String, JsonNode>> it = p.path("slos").fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    good.put(e.getKey(), e.getValue().path("goodputTokensPerSecPerNpu").asDouble());
                    if (e.getValue().has("attainment")) {
                        att.put(e.getKey(), e.getValue().path("attainment").asDouble());
                    }
                }
                pts.add(new OperatingPoint(p.path("scenario").asText(defaultSeries), p.path("x").asDouble(),
                        p.path("outputTokensPerSecPerNpu").asDouble(), good, att));
            } else if (p.has("batch_per_npu")) {
                axis = Axis.BATCH_CAP_PER_NPU;
                Iterator<Map.Entry<String, JsonNode>> it = p.path("goodput_tokens_per_s_per_npu").fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getValue().isNumber()) {
                        good.put(e.getKey(), e.getValue().asDouble());
                    }
                }
                pts.add(new OperatingPoint(p.path("scenario").asText(defaultSeries), p.path("batch_per_npu").asDouble(),
                        p.path("tokens_per_s_per_npu").asDouble(), good, att));
            }
        }
        Map<String, MedianReading> median = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> slos = n.fields();
        while (slos.hasNext()) {
            Map.Entry<String, JsonNode> e = slos.next();
            JsonNode m = e.getValue().path("median_within_bound");
            if (m.isObject()) {
                median.put(e.getKey(), new MedianReading(m.path("tokens_per_s_per_npu").asDouble(),
                        m.path("batch_per_npu").asDouble(), m.path("tpot_ms").asDouble()));
            }
        }
        return new Sweep(axis, pts, true, median);
    }

    private static Map<String, Map<String, Double>> breakdown(Path f) throws IOException {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(f)) {
            return out;
        }
        JsonNode n = readJson(f);
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Map<String, Double> ops = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> ot = e.getValue().fields();
            while (ot.hasNext()) {
                Map.Entry<String, JsonNode> o = ot.next();
                if (o.getValue().isNumber()) {
                    ops.put(o.getKey(), o.getValue().asDouble());
                }
            }
            if (!ops.isEmpty()) {
                out.put(e.getKey(), ops);
            }
        }
        return out;
    }

    private static String text(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Double dbl(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v == null || !v.isNumber() ? null : v.asDouble();
    }

    private static Integer integer(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v == null || !v.isNumber() ? null : v.asInt();
    }

    private static Long lng(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v == null || !v.isNumber() ? null : v.asLong();
    }

    /** A scenario's windows up to the end of its drain: those beyond it hold requests no figure counts. */
    List<Window> plottedWindows(String scenario) {
        List<Window> ws = windows.getOrDefault(scenario, List.of());
        ScenarioSummary s = summaries.get(scenario);
        if (s == null || s.beyondDrainFromMicros() == null) {
            return ws;
        }
        return ws.stream().filter(w -> w.startMicros() < s.beyondDrainFromMicros()).toList();
    }

    /** The windows of a scenario inside its steady state (all windows when the summary gives no span). */
    List<Window> steadyWindows(String scenario) {
        List<Window> ws = windows.getOrDefault(scenario, List.of());
        ScenarioSummary s = summaries.get(scenario);
        if (s == null || s.steadyEndMicros() <= s.steadyStartMicros()) {
            return ws;
        }
        List<Window> out = ws.stream()
                .filter(w -> w.startMicros() >= s.steadyStartMicros() && w.endMicros() <= s.steadyEndMicros())
                .toList();
        return out.isEmpty() ? ws : out;
    }

    /** SLO names in the run's order: config first, then as they appear in summaries. */
    List<String> sloNames() {
        List<String> out = new ArrayList<>(config.slos());
        for (ScenarioSummary s : summaries.values()) {
            for (String k : s.slos().keySet()) {
                if (!out.contains(k)) {
                    out.add(k);
                }
            }
        }
        return out;
    }

    /** The SLO's bounds as found in any summary (tpot, ttft micros; -1 unknown / unbounded). */
    long[] sloBounds(String slo) {
        for (ScenarioSummary s : summaries.values()) {
            SloCell c = s.slos().get(slo);
            if (c != null) {
                return new long[] {c.tpotBoundMicros(), c.ttftBoundMicros()};
            }
        }
        return new long[] {-1, -1};
    }
}
