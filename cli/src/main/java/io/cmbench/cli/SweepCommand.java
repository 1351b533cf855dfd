package io.cmbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.SloSpec;
import io.cmbench.model.Calibration;
import io.cmbench.model.CostModels;
import io.cmbench.model.DecodeResult;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.RooflineCostModel;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.SloSearch;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
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

/**
 * {@code cmbench sweep}: the paper's "tok/s per NPU under a TPOT SLO" is a maximum over operating points.
 * One pipeline run fans the same saturating traffic out to one scenario per decode batch cap, in
 * decode-only mode (requests arrive with their KV in place, as in the paper's decode measurements), and
 * reports per SLO the best steady-state goodput per decode NPU and the operating point that gives it.
 * With {@code --pool prefill} it saturates the prefill pool (prefill-only mode) and reports prefill tok/s per NPU.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Find the max goodput per NPU under each SLO over decode batch caps, in one pipeline run.",
                "Decode-only: the cost model proposes the operating points, the emulation measures them. With --pool"
                        + " prefill: the saturated prefill throughput per NPU."})
final class SweepCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Option(names = "--pool", paramLabel = "POOL", description = "decode | prefill (default: ${DEFAULT-VALUE}).", defaultValue = "decode")
    String pool;

    @Option(names = "--prompt-tokens", paramLabel = "N", defaultValue = "4096", description = "Prompt length (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--output-tokens", paramLabel = "N", defaultValue = "256", description = "Output length (default: ${DEFAULT-VALUE}).")
    int outputTokens;

    @Option(names = "--slo", paramLabel = "SLO", split = ",", defaultValue = "tpot15,tpot50", description = "SLOs (default: ${DEFAULT-VALUE}).")
    List<String> slos;

    @Option(names = "--batch-per-npu", paramLabel = "N", split = ",", defaultValue = "auto",
            description = "Decode batch caps per NPU to sweep, or 'auto' (default): for each SLO the cost model's"
                    + " largest batch b meeting it (up to what HBM holds with the dispatch/combine buffers sized for the"
                    + " batch, also above the deployment's cap), b/2, 3b/4, b-1, b+1, plus the deployment's cap.")
    List<String> batchCaps;

    @Option(names = "--lifetimes", paramLabel = "N", defaultValue = "6",
            description = "Simulated span in request lifetimes at the largest batch (default: ${DEFAULT-VALUE}).")
    double lifetimes;

    @Option(names = "--overload", paramLabel = "X", defaultValue = "1.2",
            description = "Offered load / the model's capacity at the largest operating point (default: ${DEFAULT-VALUE}).")
    double overload;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/sweep-<timestamp>).")
    Path out;

    @Option(names = "--json", description = "Print the result as JSON only.")
    boolean json;

    @Option(names = "--per-request",
            description = "Also write completions.jsonl, one line per request and operating point (hundreds of MB at the"
                    + " defaults, and the run holds them all in memory); without it the completions are only counted.")
    boolean perRequest;

    @Option(names = "--calibration", paramLabel = "VARIANT", defaultValue = "calibrated",
            description = "Cost model variant, for the operating points and the emulation alike: calibrated (the physics "
                    + "plus the profile's fitted calibration layer) or physics (nothing fitted) (default: ${DEFAULT-VALUE}).")
    String calibration;

    @Override
    public Integer call() throws Exception {
        Options.require(spec, promptTokens > 0, "--prompt-tokens", promptTokens, "must be > 0");
        Options.require(spec, outputTokens > 1, "--output-tokens", outputTokens, "must be > 1 (TPOT needs two tokens)");
        Options.require(spec, lifetimes >= 3 && Double.isFinite(lifetimes), "--lifetimes", lifetimes, "must be >= 3");
        Options.require(spec, overload > 1 && Double.isFinite(overload), "--overload", overload, "must be > 1 (saturating load)");
        InputChecks.parallelism(spec, parallelism);
        Options.calibration(spec, calibration);
        boolean prefill = switch (pool.trim().toLowerCase()) {
            case "decode" -> false;
            case "prefill" -> true;
            default -> throw new ParameterException(spec.commandLine(), "--pool: unknown value '" + pool + "' (expected decode or prefill)");
        };
        List<SloSpec> sloSpecs = Options.slos(spec, slos);
        InputChecks.uniqueSlos(spec, sloSpecs);
        ScenarioSpec base = ScenarioSpec.paperDefault().withCalibration(calibration);
        long longest = (long) promptTokens + outputTokens;
        InputChecks.kvFits(spec, "--prompt-tokens/--output-tokens", longest, List.of(base));
        List<Integer> caps = prefill ? List.of(0) : operatingPoints(sloSpecs);
        List<ScenarioSpec> scenarios = new ArrayList<>();
        for (int c : caps) {
            scenarios.add(prefill ? base : new ScenarioSpec(String.format("b%03d", c), base.profile(), base.model(),
                    base.deployment(), c, calibration));
        }
        InputChecks.kvFits(spec, "--prompt-tokens/--output-tokens", longest, scenarios);
        Load load = prefill ? prefillLoad() : decodeLoad(caps.get(caps.size() - 1));
        double windowSeconds = Math.max(1, Math.round(load.lifetimeSeconds / 2));
        int edgeWindows = (int) Math.ceil(1.5 * load.lifetimeSeconds / windowSeconds);
        double duration = Math.max(lifetimes * load.lifetimeSeconds, (2 * edgeWindows + 3) * windowSeconds);
        InputChecks.requestCount(spec, "--lifetimes x --overload", load.requestsPerSec * duration,
                lifetimes + " x " + overload);
        try (RunDirectory dir = RunDirectory.claim(out, Path.of("runs"), "sweep-")) {
            return sweep(dir.path(), prefill, base, caps, scenarios, load, windowSeconds, edgeWindows, duration, sloSpecs);
        }
    }

    private int sweep(Path outDir, boolean prefill, ScenarioSpec base, List<Integer> caps, List<ScenarioSpec> scenarios,
                      Load load, double windowSeconds, int edgeWindows, double duration, List<SloSpec> sloSpecs)
            throws Exception {
        System.setProperty(CommandErrors.LOG_FILE_PROPERTY, outDir.resolve("cmbench.log").toString());
        PrintStream stdout = json ? new PrintStream(PrintStream.nullOutputStream()) : System.out;
        stdout.printf("sweep: %s pool, %d operating point(s), %.0f req/s for %.0f simulated s (%,d requests), window %.0f s%n",
                prefill ? "prefill" : "decode", caps.size(), load.requestsPerSec, duration,
                Math.round(load.requestsPerSec * duration), windowSeconds);
        stdout.printf("sweep: cost model %s%n", Options.modelVariant(base));

        RunConfig cfg = new RunConfig(seed, duration, load.requestsPerSec, promptTokens, outputTokens, null, parallelism,
                outDir, windowSeconds, List.copyOf(sloSpecs), edgeWindows, edgeWindows, 0, null, new Properties(),
                scenarios, prefill ? EmulationMode.PREFILL_ONLY : EmulationMode.DECODE_ONLY, json)
                .withPerRequestOutput(perRequest);
        EmbeddedRun.Result r = new EmbeddedRun(cfg, stdout).run();

        Map<String, Object> result = prefill ? prefillResult(r, base) : decodeResult(r, caps, sloSpecs);
        JSON.writeValue(outDir.resolve("sweep.json").toFile(), result);
        if (!prefill) {   // the table docs/BENCHMARKS.md quotes
            java.nio.file.Files.writeString(outDir.resolve("sweep.md"), SweepMarkdown.table(JSON.valueToTree(result)));
        }
        if (json) {
            io.cmbench.report.ReportWriter.write(outDir);
            System.out.println(JSON.writeValueAsString(result));
        } else {
            System.out.printf("%ncost model: %s%n", Options.modelVariant(base));
            printTable(System.out, r, result, prefill);
            System.out.printf("%nresults: %s (sweep.json, sweep.md, summary.json, slo-windows.jsonl)%n", outDir.toAbsolutePath());
            System.out.printf("report:  %s%n", io.cmbench.report.ReportWriter.write(outDir).toAbsolutePath());
        }
        return 0;
    }

    private List<Integer> operatingPoints(List<SloSpec> sloSpecs) {
        java.util.TreeSet<Integer> caps = new java.util.TreeSet<>();
        for (String c : batchCaps) {
            if (c.trim().equalsIgnoreCase("auto")) {
                RooflineCostModel m = model(0);
                caps.add(m.layout().decodeBatchCapPerNpu());
                // beyond the deployment's cap up to what HBM holds with the dispatch/combine buffers sized for the batch
                int memoryLimit = SloSearch.memoryLimitedBatch(m, promptTokens + outputTokens / 2);
                for (SloSpec slo : sloSpecs) {
                    int b = SloSearch.maxBatchFixed(m, slo.tpotBoundMicros() / 1e3, promptTokens, outputTokens).batchPerNpu();
                    // Goodput counts requests that meet the SLO one by one: with per-request MTP variance the best
                    // point can lie below the batch whose mean TPOT meets the bound, so look below it too.
                    for (int x : new int[] {(b + 1) / 2, (3 * b + 3) / 4, b - 1, b, b + 1}) {
                        if (x >= 1 && x <= memoryLimit) {
                            caps.add(x);
                        }
                    }
                }
            } else {
                int cap;
                try {
                    cap = Integer.parseInt(c.trim());
                } catch (NumberFormatException e) {
                    throw new ParameterException(spec.commandLine(), "--batch-per-npu: not a number or 'auto', got '" + c + "'");
                }
                Options.require(spec, cap > 0, "--batch-per-npu", cap, "must be > 0");
                caps.add(cap);
            }
        }
        return List.copyOf(caps);
    }

    /** The paper's deployment on this sweep's cost model variant, decode batch cap {@code cap} (0: the deployment's). */
    private RooflineCostModel model(int cap) {
        ScenarioSpec base = ScenarioSpec.paperDefault();
        return CostModels.build(base.profile(), base.model(), base.deployment(), cap, calibration);
    }

    /** Which cost model variant the points and the emulation used, as {@code cmbench model} names it in its JSON. */
    private void putCalibration(Map<String, Object> out) {
        Calibration c = model(0).calibration();
        out.put("calibration", c.variant());
        out.put("calibration_source", c.source());
    }

    private record Load(double requestsPerSec, double lifetimeSeconds) {}

    /** Saturate the largest operating point: offered load = overload x the model's steady throughput there. */
    private Load decodeLoad(int maxCap) {
        RooflineCostModel m = model(maxCap);
        DecodeResult d = m.decodeUniform(maxCap, promptTokens + outputTokens / 2);
        PoolLayout layout = m.layout();
        double stepSeconds = d.stepMicros() / 1e6;
        double lifetime = outputTokens / d.tokensPerStep() * stepSeconds;
        double capacity = (double) maxCap * layout.decodeNpus() / lifetime;
        return new Load(overload * capacity, lifetime);
    }

    /** Saturate the prefill pool: full batches of the token budget back to back. */
    private Load prefillLoad() {
        RooflineCostModel m = model(0);
        int perBatch = io.cmbench.model.capacity.UniformPrefill.fullBatchRequests(m, promptTokens);
        double batchSeconds = io.cmbench.model.capacity.UniformPrefill.batchMicros(m, perBatch, promptTokens, 0) / 1e6;
        double capacity = perBatch * m.layout().prefillInstances() / batchSeconds;
        return new Load(overload * capacity, Math.max(1, 4 * batchSeconds));
    }


    private Map<String, Object> decodeResult(EmbeddedRun.Result r, List<Integer> caps, List<SloSpec> sloSpecs) {
        List<Map<String, Object>> points = new ArrayList<>();
        Map<String, Object> best = new LinkedHashMap<>();
        for (SloSpec slo : sloSpecs) {
            Map<String, Object> none = new LinkedHashMap<>();
            none.put("goodput_tokens_per_s_per_npu", 0.0);
            none.put("batch_per_npu", 0);
            none.put("tpot_ms", null);
            best.put(slo.name(), none);
        }
        for (RunSummary s : r.summaries()) {
            int cap = Integer.parseInt(s.scenario().substring(1));
            RooflineCostModel m = model(cap);
            DecodeResult d = m.decodeUniform(cap, promptTokens + outputTokens / 2);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("batch_per_npu", cap);
            p.put("tpot_ms", s.tpot().p50Ms());
            p.put("tpot_p99_ms", s.tpot().p99Ms());
            p.put("tokens_per_s_per_npu", s.outputTokensPerSecPerNpu());
            p.put("model_tpot_ms", d.tpotMicros() / 1e3);
            p.put("model_tokens_per_s_per_npu", cap / (d.tpotMicros() / 1e6));
            Map<String, Object> good = new LinkedHashMap<>();
            s.slos().forEach((name, slo) -> good.put(name, slo.goodputTokensPerSecPerNpu()));
            p.put("goodput_tokens_per_s_per_npu", good);
            points.add(p);
            s.slos().forEach((name, slo) -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> b = (Map<String, Object>) best.get(name);
                if (slo.goodputTokensPerSecPerNpu() > (double) b.get("goodput_tokens_per_s_per_npu")) {
                    b.put("goodput_tokens_per_s_per_npu", slo.goodputTokensPerSecPerNpu());
                    b.put("batch_per_npu", cap);
                    b.put("tpot_ms", s.tpot().p50Ms());
                    b.put("attainment", slo.attainment());
                    b.put("model_tokens_per_s_per_npu", cap / (d.tpotMicros() / 1e6));
                }
            });
        }
        for (SloSpec slo : sloSpecs) {
            @SuppressWarnings("unchecked")
            Map<String, Object> b = (Map<String, Object>) best.get(slo.name());
            b.put("median_within_bound", medianWithinBound(r.summaries(), slo));
            // the paper's own reading of this SLO for the same configuration and lengths, where it published one
            io.cmbench.model.validation.PublishedReference.bestWithin(ScenarioSpec.paperDefault(), slo.tpotBoundMicros() / 1e3,
                    promptTokens + outputTokens / 2).ifPresent(p -> {
                        Map<String, Object> pub = new LinkedHashMap<>();
                        pub.put("tokens_per_s_per_npu", p.tokensPerSecondPerNpu());
                        pub.put("batch_per_npu", p.batchPerNpu());
                        pub.put("tpot_ms", p.tpotMs());
                        pub.put("id", p.id());
                        b.put("published", pub);
                    });
        }
        Map<String, Object> out = new LinkedHashMap<>(best);
        out.put("pool", "decode");
        out.put("mode", "decode-only: requests arrive with their KV in place; normalized by decode NPUs");
        putCalibration(out);
        out.put("points", points);
        return out;
    }

    /**
     * The paper's reading of "tok/s per NPU under a TPOT SLO": the highest output throughput of an operating point
     * whose typical (median) TPOT — and TTFT, if the SLO bounds it — is within the bound, all its tokens counted.
     * Goodput counts only the requests that meet the bound one by one, so it is lower near the boundary.
     */
    private static Map<String, Object> medianWithinBound(List<RunSummary> summaries, SloSpec slo) {
        Map<String, Object> b = null;
        for (RunSummary s : summaries) {
            boolean within = s.tpot().p50Ms() * 1e3 <= slo.tpotBoundMicros()
                    && (slo.ttftBoundMicros() < 0 || s.ttft().p50Ms() * 1e3 <= slo.ttftBoundMicros());
            if (within && (b == null || s.outputTokensPerSecPerNpu() > (double) b.get("tokens_per_s_per_npu"))) {
                b = new LinkedHashMap<>();
                b.put("tokens_per_s_per_npu", s.outputTokensPerSecPerNpu());
                b.put("batch_per_npu", Integer.parseInt(s.scenario().substring(1)));
                b.put("tpot_ms", s.tpot().p50Ms());
            }
        }
        return b;
    }

    private Map<String, Object> prefillResult(EmbeddedRun.Result r, ScenarioSpec base) {
        RunSummary s = r.summaries().get(0);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pool", "prefill");
        out.put("mode", "prefill-only: saturating load of " + promptTokens + "-token prompts; normalized by prefill NPUs");
        putCalibration(out);
        out.put("prefill_tokens_per_s_per_npu", s.prefillTokensPerSecPerNpu());
        out.put("ttft_p50_ms", s.ttft().p50Ms());
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void printTable(PrintStream o, EmbeddedRun.Result r, Map<String, Object> result, boolean prefill) {
        o.println();
        if (prefill) {
            o.printf("saturated prefill throughput: %.1f tok/s per prefill NPU%n", (double) result.get("prefill_tokens_per_s_per_npu"));
            return;
        }
        List<Map<String, Object>> points = (List<Map<String, Object>>) result.get("points");
        List<String> sloNames = points.isEmpty() ? List.of()
                : new ArrayList<>(((Map<String, Object>) points.get(0).get("goodput_tokens_per_s_per_npu")).keySet());
        StringBuilder head = new StringBuilder(String.format("%10s %10s %10s %14s %14s", "batch/NPU", "TPOT p50", "TPOT p99",
                "out tok/s/NPU", "model tok/s/NPU"));
        sloNames.forEach(n -> head.append(String.format(" %15s", "goodput@" + n)));
        o.println(head);
        for (Map<String, Object> p : points) {
            StringBuilder row = new StringBuilder(String.format("%10d %7.2f ms %7.2f ms %14.1f %14.1f", p.get("batch_per_npu"),
                    p.get("tpot_ms"), p.get("tpot_p99_ms"), p.get("tokens_per_s_per_npu"), p.get("model_tokens_per_s_per_npu")));
            Map<String, Object> g = (Map<String, Object>) p.get("goodput_tokens_per_s_per_npu");
            sloNames.forEach(n -> row.append(String.format(" %15.1f", (double) g.get(n))));
            o.println(row);
        }
        o.println();
        for (String n : sloNames) {
            Map<String, Object> b = (Map<String, Object>) result.get(n);
            o.printf("max goodput @%-8s %8.1f tok/s per decode NPU at batch %s per NPU (TPOT p50 %s ms)%n", n,
                    (double) b.get("goodput_tokens_per_s_per_npu"), b.get("batch_per_npu"), b.get("tpot_ms"));
        }
        for (String n : sloNames) {
            Map<String, Object> m = (Map<String, Object>) ((Map<String, Object>) result.get(n)).get("median_within_bound");
            if (m == null) {
                o.printf("median TPOT within %-6s none of the points%n", n);
            } else {
                o.printf("median TPOT within %-6s %8.1f tok/s per decode NPU at batch %s per NPU (TPOT p50 %.2f ms; the paper's reading, all tokens counted)%n",
                        n, (double) m.get("tokens_per_s_per_npu"), m.get("batch_per_npu"), (double) m.get("tpot_ms"));
            }
            Map<String, Object> pub = (Map<String, Object>) ((Map<String, Object>) result.get(n)).get("published");
            if (pub != null) {
                o.printf("  published @%-8s %8.1f tok/s per decode NPU at batch %s per NPU (TPOT %.2f ms; %s)%n", n,
                        (double) pub.get("tokens_per_s_per_npu"), pub.get("batch_per_npu"), (double) pub.get("tpot_ms"), pub.get("id"));
            }
        }
    }

}
