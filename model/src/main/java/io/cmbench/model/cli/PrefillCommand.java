package io.cmbench.model.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.cmbench.model.InsufficientMemoryException;
import io.cmbench.model.PrefillResult;
import io.cmbench.model.RooflineCostModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import static io.cmbench.model.cli.CliSupport.f;
import static io.cmbench.model.cli.CliSupport.r;

@Command(name = "prefill", mixinStandardHelpOptions = true,
        description = "Prefill batch time of one prefill instance for equal-length prompts.")
public final class PrefillCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ModelOptions common;

    @Option(names = "--prompt-tokens", paramLabel = "N", required = true, description = "tokens per prompt")
    String promptTokens;

    @Option(names = "--batch-tokens-per-npu", paramLabel = "T", description = "batch tokens per NPU (default: the deployment's)")
    String batchTokens;

    @Option(names = "--cached-fraction", paramLabel = "F", defaultValue = "0", description = "fraction of each prompt served from the context cache (default 0)")
    String cachedFraction;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            int n = CliSupport.positiveInt("--prompt-tokens", promptTokens);
            double cf = CliSupport.fraction("--cached-fraction", cachedFraction, false);
            RooflineCostModel c = common.build();
            int t = batchTokens == null ? c.deployment().prefill().batchTokensPerNpu() : CliSupport.positiveInt("--batch-tokens-per-npu", batchTokens);
            Map<String, Object> j = run(c, n, t, cf);
            PrefillResult r = (PrefillResult) j.remove("#result");
            if (common.json) {
                out.println(CliSupport.json(j));
            } else {
                out.printf(Locale.ROOT, "prefill  %s / %s / %s  %d prompts x %d tokens (%s cached) on %d NPUs, %d tokens per NPU%n",
                        c.profile().name(), c.modelSpec().name(), c.deployment().name(), (Integer) j.get("prompts"), n,
                        f(cf * 100, 1) + " %", c.layout().prefillNpusPerInstance(), t);
                out.println("  " + ModelOptions.variantLine(c));
                out.printf(Locale.ROOT, "  batch %s ms   %s tok/s per NPU%n", f(r.batchMicros() / 1e3, 1), f((Double) j.get("tokens_per_s_per_npu"), 0));
                CliSupport.table(out, "per operator, one layer, per die (dense_ffn: dense layers; experts: MoE layers):", r.operators(), "us");
                CliSupport.table(out, "per layer / per batch:", r.layerTotals(), "us");
                out.printf(Locale.ROOT, "  MoE layer %s us, dense layer %s us%n", f(r.moeLayerMicros(), 1), f(r.denseLayerMicros(), 1));
            }
            out.flush();
            return CliSupport.EXIT_OK;
        } catch (CliSupport.BadOption e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        } catch (InsufficientMemoryException e) {
            // the model's answer for this input, not a usage error: exit 1
            throw new IllegalStateException("batch does not fit in HBM: " + e.getMessage());
        }
    }

    /** Runs the query; the map also holds the raw result under "#result" (removed before printing JSON). */
    static Map<String, Object> run(RooflineCostModel c, int n, int tokensPerNpu, double cachedFraction) {
        long budget = (long) tokensPerNpu * c.layout().prefillNpusPerInstance();
        int prompts = (int) Math.max(1, budget / n);
        int[] p = new int[prompts];
        int[] cached = new int[prompts];
        Arrays.fill(p, n);
        Arrays.fill(cached, (int) Math.floor(n * cachedFraction));
        PrefillResult r = c.prefill(p, cached);
        double tps = r.promptTokens() / (r.batchMicros() / 1e6) / c.layout().prefillNpusPerInstance();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("profile", c.profile().name());
        j.put("calibration", c.calibration().variant());
        j.put("calibration_source", c.calibration().source());
        j.put("deployment", c.deployment().name());
        j.put("prompt_tokens", n);
        j.put("batch_tokens_per_npu", tokensPerNpu);
        j.put("cached_fraction", cachedFraction);
        j.put("prompts", prompts);
        j.put("npus", c.layout().prefillNpusPerInstance());
        j.put("batch_ms", r(r.batchMicros() / 1e3, 3));
        j.put("tokens_per_s_per_npu", r(tps, 2));
        j.put("computed_tokens_per_s_per_npu", r(r.computedTokens() / (r.batchMicros() / 1e6) / c.layout().prefillNpusPerInstance(), 2));
        Map<String, Object> ops = new LinkedHashMap<>();
        r.operators().forEach((k, v) -> ops.put(k, r(v, 2)));
        j.put("operators", ops);
        j.put("per_layer_us", CliSupport.inOrder("moe_layer", r(r.moeLayerMicros(), 2), "dense_layer", r(r.denseLayerMicros(), 2)));
        Map<String, Object> tot = new LinkedHashMap<>();
        r.layerTotals().forEach((k, v) -> tot.put(k, r(v, 2)));
        j.put("totals_us", tot);
        j.put("#result", r);
        return j;
    }
}
