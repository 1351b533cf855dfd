package io.cmbench.model.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.cmbench.model.DecodeResult;
import io.cmbench.model.InsufficientMemoryException;
import io.cmbench.model.RooflineCostModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import static io.cmbench.model.cli.CliSupport.f;
import static io.cmbench.model.cli.CliSupport.r;

@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Decode step time of one decode instance, every NPU holding the same batch and KV length.")
public final class DecodeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ModelOptions common;

    @Option(names = "--batch-per-npu", paramLabel = "B", required = true, description = "sequences per NPU")
    String batch;

    @Option(names = "--kv-length", paramLabel = "L", required = true, description = "KV length (context tokens) of every sequence")
    String kvLength;

    @Option(names = "--mtp-acceptance", paramLabel = "A", description = "MTP acceptance of one speculative token (default: the deployment's)")
    String acceptance;

    @Option(names = "--no-mtp", description = "disable MTP (one token per sequence per step)")
    boolean noMtp;

    @Option(names = "--no-microbatch", description = "disable the two overlapped microbatches")
    boolean noMicrobatch;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            int b = CliSupport.positiveInt("--batch-per-npu", batch);
            int l = CliSupport.nonNegativeInt("--kv-length", kvLength);
            RooflineCostModel base = common.build();
            double acc = acceptance == null ? base.deployment().mtpAcceptance() : CliSupport.fraction("--mtp-acceptance", acceptance, true);
            RooflineCostModel c = base.withDecodeOptions(new RooflineCostModel.DecodeOptions(
                    base.deployment().mtpEnabled() && !noMtp, acc, base.deployment().decode().microbatches() > 1 && !noMicrobatch));
            DecodeResult r = c.decodeUniform(b, l);
            Map<String, Object> j = toJson(c, r, b, l);
            if (common.json) {
                out.println(CliSupport.json(j));
            } else {
                printHuman(out, c, r, b, l);
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

    static Map<String, Object> toJson(RooflineCostModel c, DecodeResult r, int b, long l) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("profile", c.profile().name());
        j.put("calibration", c.calibration().variant());
        j.put("calibration_source", c.calibration().source());
        j.put("deployment", c.deployment().name());
        j.put("batch_per_npu", b);
        j.put("kv_length", l);
        j.put("mtp", c.decodeOptions().mtp());
        j.put("mtp_acceptance", c.decodeOptions().acceptance());
        j.put("microbatch", c.decodeOptions().microbatch());
        j.put("microbatches", r.microbatches());
        j.put("step_ms", r(r.stepMicros() / 1e3, 4));
        j.put("tokens_per_step", r(r.tokensPerStep(), 4));
        j.put("tpot_ms", r(r.tpotMicros() / 1e3, 4));
        j.put("tokens_per_s_per_npu", r(b / (r.tpotMicros() / 1e6), 2));
        j.put("tokens_per_s_per_die", r(b / (r.tpotMicros() / 1e6) / c.profile().diesPerNpu(), 2));
        Map<String, Object> layers = new LinkedHashMap<>();
        layers.put("moe_layer", r(r.moeLayerMicros(), 2));
        layers.put("dense_layer", r(r.denseLayerMicros(), 2));
        j.put("per_layer_us", layers);
        Map<String, Object> ops = new LinkedHashMap<>();
        r.operators().forEach((k, v) -> ops.put(k, r(v, 2)));
        j.put("operators", ops);
        Map<String, Object> streams = new LinkedHashMap<>();
        r.streams().forEach((k, v) -> streams.put(k + "_us", r(v, 2)));
        j.put("per_step_us", CliSupport.inOrder("moe_layers", r(c.modelSpec().moeLayers() * r.moeLayerMicros(), 1),
                "dense_layers", r(c.modelSpec().denseLayers() * r.denseLayerMicros(), 1),
                "pipeline_fill_drain", r(r.streams().get("pipeline_fill_drain"), 1),
                "mtp", r(r.mtpMicros(), 1), "lm_head", r(r.lmHeadMicros(), 1)));
        j.put("moe_layer_bounds", streams);
        Map<String, Object> mem = new LinkedHashMap<>();
        int perDie = (b + c.profile().diesPerNpu() - 1) / c.profile().diesPerNpu();
        mem.put("kv_tokens_per_die", (long) perDie * l);
        mem.put("kv_capacity_tokens_per_die", c.layout().kvCacheTokensPerDie());
        mem.put("weights_gb_per_die", r(c.decodeWeightBytesPerDie() / 1e9, 3));
        mem.put("ep_buffers_gb_per_die", r(c.decodeBufferBytesPerDie() / 1e9, 3));
        j.put("memory", mem);
        return j;
    }

    static void printHuman(PrintWriter out, RooflineCostModel c, DecodeResult r, int b, long l) {
        var o = c.decodeOptions();
        out.printf(Locale.ROOT, "decode  %s / %s / %s  batch %d per NPU, KV %d, MTP %s, microbatches %s%n",
                c.profile().name(), c.modelSpec().name(), c.deployment().name(), b, l,
                o.mtp() ? "on (acceptance " + o.acceptance() + ")" : "off", r.microbatches() == 2 ? "2 (overlapped)" : o.microbatch() ? "1 (adaptive: faster than 2 here)" : "1");
        out.println("  " + ModelOptions.variantLine(c));
        out.printf(Locale.ROOT, "  step %s ms   tokens/step %s   TPOT %s ms   %s tok/s per NPU%n",
                f(r.stepMicros() / 1e3, 2), f(r.tokensPerStep(), 2), f(r.tpotMicros() / 1e3, 2), f(b / (r.tpotMicros() / 1e6), 0));
        CliSupport.table(out, "per operator, one layer, both microbatches, slowest die:", r.operators(), "us");
        CliSupport.table(out, "MoE-layer bounds (layer time = max):", CliSupport.<Double>inOrder("attention_stream", r.streams().get("attention_stream"),
                "moe_stream", r.streams().get("moe_stream"), "chain", r.streams().get("chain"), "hbm", r.streams().get("hbm")), "us");
        out.printf(Locale.ROOT, "per step: %d MoE layers x %s us + %d dense layers x %s us + pipeline fill/drain %s us + MTP %s us + LM head %s us%n",
                c.modelSpec().moeLayers(), f(r.moeLayerMicros(), 1), c.modelSpec().denseLayers(), f(r.denseLayerMicros(), 1),
                f(r.streams().get("pipeline_fill_drain"), 1), f(r.mtpMicros(), 1), f(r.lmHeadMicros(), 1));
        int perDie = (b + c.profile().diesPerNpu() - 1) / c.profile().diesPerNpu();
        out.printf(Locale.ROOT, "memory per die: weights %s GB, EP buffers %s GB, KV %s of %s tokens%n",
                f(c.decodeWeightBytesPerDie() / 1e9, 2), f(c.decodeBufferBytesPerDie() / 1e9, 2),
                f((double) perDie * l, 0), f(c.layout().kvCacheTokensPerDie(), 0));
    }
}
