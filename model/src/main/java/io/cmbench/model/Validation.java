package io.cmbench.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.cmbench.model.spec.HardwareProfile;
import io.cmbench.model.spec.SpecLoader;

/**
 * The published results beside the model's, with relative errors, and the named factors with their
 * sources. Rendered as docs/VALIDATION.md by {@code cmbench model validate}.
 */
public final class Validation {
    private Validation() {}

    /** One compared quantity. {@code target} true: a headline result the pipeline must reproduce (within 5 %). */
    public record Row(String group, String caseName, String conditions, String quantity, double published, double model,
                      String unit, boolean target) {
        public double relativeError() { return model / published - 1; }
    }

    public static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        RooflineCostModel cm = CostModels.build("cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 0);
        String g = "CloudMatrix-Infer (reference sheet)";

        DecodeResult d96 = cm.decodeUniform(96, 4096);
        String c96 = "batch 96/NPU, KV 4,096, MTP on (0.7)";
        rows.add(new Row(g, "decode, 50 ms SLO", c96, "TPOT", 49.4, d96.tpotMicros() / 1e3, "ms", true));
        rows.add(new Row(g, "decode, 50 ms SLO", c96, "throughput", 1943, 96 / (d96.tpotMicros() / 1e6), "tok/s/NPU", true));
        rows.add(new Row(g, "decode, 50 ms SLO", c96, "step (derived: TPOT x 1.7)", 49.4 * 1.7, d96.stepMicros() / 1e3, "ms", false));

        DecodeResult d8 = cm.decodeUniform(8, 4096 + 128);
        String c8 = "batch 8/NPU, 4,096 in / 256 out (mean KV 4,224)";
        rows.add(new Row(g, "decode, 15 ms SLO", c8, "TPOT", 14.9, d8.tpotMicros() / 1e3, "ms", true));
        rows.add(new Row(g, "decode, 15 ms SLO", c8, "throughput", 538, 8 / (d8.tpotMicros() / 1e6), "tok/s/NPU", true));
        SloSearch.Result s15 = SloSearch.maxBatch(cm, 15.0, 4096, 256);
        rows.add(new Row(g, "decode, 15 ms SLO", "max-throughput search, TPOT <= 15 ms, 4,096 in / 256 out",
                "best throughput (batch " + s15.batchPerNpu() + ")", 538, s15.tokensPerSecondPerNpu(), "tok/s/NPU", false));

        int prompts = cm.layout().prefillTokenBudgetPerInstance() / 4096;
        int[] p = new int[prompts];
        Arrays.fill(p, 4096);
        PrefillResult pr = cm.prefill(p, new int[prompts]);
        rows.add(new Row(g, "prefill", "4K prompts, 16K tokens/NPU, perfect expert balance", "throughput", 6688,
                pr.promptTokens() / (pr.batchMicros() / 1e6) / cm.layout().prefillNpusPerInstance(), "tok/s/NPU", true));

        // operator-level and derived facts of the reference sheet
        String o = "Derived facts (reference sheet)";
        rows.add(new Row(o, "KV cache", "61 layers x (512 + 64) at INT8", "bytes per token", 35136, cm.kvBytesPerToken(), "B", false));
        rows.add(new Row(o, "model size", "dims of config_671B.json", "parameters", 671e9, cm.modelSpec().totalParams(), "", false));
        rows.add(new Row(o, "model size", "dims of config_671B.json", "active parameters", 37e9, cm.modelSpec().activeParams(), "", false));
        rows.add(new Row(o, "EP buffers", "320 ranks x 96 tokens x (7.5 + 14) KB", "dispatch+combine buffers per die",
                (225 + 420) * 1e6, cm.decodeBufferBytesPerDie(), "B", false));

        // published results outside the reference sheet (DeepSeek's H800 fleet statistics): loose
        String x = "External: DeepSeek on H800 (not in the reference sheet; fleet averages, conditions not published)";
        RooflineCostModel h = CostModels.build("h800", "deepseek-r1", "deepseek-h800", 0);
        SloSearch.Result hs = SloSearch.maxBatch(h, 1000.0 / 21, 4096, 256);
        rows.add(new Row(x, "decode", "TPOT <= 47.6 ms (21 tok/s per user); assumed 4,096 in / 256 out",
                "throughput (model batch " + hs.batchPerNpu() + ")", 14800.0 / 8, hs.tokensPerSecondPerNpu(), "tok/s/GPU", false));
        int hp = h.layout().prefillTokenBudgetPerInstance() / 4096;
        int[] hpp = new int[hp];
        int[] hpc = new int[hp];
        Arrays.fill(hpp, 4096);
        Arrays.fill(hpc, (int) (4096 * 0.563));
        PrefillResult hpr = h.prefill(hpp, hpc);
        rows.add(new Row(x, "prefill", "56.3 % cache hits; assumed 4K prompts, 16K tokens/GPU", "input throughput incl. cache hits",
                73700.0 / 8, hpr.promptTokens() / (hpr.batchMicros() / 1e6) / h.layout().prefillNpusPerInstance(), "tok/s/GPU", false));
        return rows;
    }

    private static String num(double v, String unit) {
        double a = Math.abs(v);
        if (unit.isEmpty() || a >= 1e8) return String.format(Locale.ROOT, "%.4g", v);
        if (a >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** The whole VALIDATION.md text. */
    public static String markdown() {
        List<Row> rows = rows();
        StringBuilder sb = new StringBuilder();
        sb.append("# cmbench model — validation\n\n");
        sb.append("Generated by `./cmbench model validate` (io.cmbench.model.Validation); do not edit by hand.\n");
        sb.append("The model is built from the hardware and model facts of `shared/reference/cloudmatrix384.md` and a few\n");
        sb.append("named efficiency factors taken from operator benchmarks (below). No factor is fitted to the results in\n");
        sb.append("this table. Relative error = model / published - 1. Rows marked **target** are the headline results\n");
        sb.append("(goal: within 5 %).\n\n");
        String group = null;
        for (Row r : rows) {
            if (!r.group().equals(group)) {
                group = r.group();
                sb.append("\n### ").append(group).append("\n\n");
                sb.append("| case | conditions | quantity | published | model | error | |\n|---|---|---|---:|---:|---:|---|\n");
            }
            double e = r.relativeError();
            String mark = r.target() ? (Math.abs(e) <= 0.05 ? "**target**: within 5 %" : "**target**: MISSED") : "";
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s %s | %s %s | %+.1f %% | %s |%n", r.caseName(), r.conditions(),
                    r.quantity(), num(r.published(), r.unit()), r.unit(), num(r.model(), r.unit()), r.unit(), 100 * e, mark));
        }
        sb.append("\n## Named efficiency factors\n\n");
        sb.append("| profile | factor | value | source |\n|---|---|---:|---|\n");
        for (String pn : SpecLoader.PROFILES) {
            HardwareProfile hw = SpecLoader.profile(pn);
            for (HardwareProfile.Factor f : hw.efficiency().values()) {
                sb.append(String.format(Locale.ROOT, "| %s | `%s` | %.3f | %s |%n", pn, f.name(), f.value(), f.source()));
            }
            RooflineCostModel c = CostModels.build(pn, "deepseek-r1", pn.equals("cloudmatrix384") ? "cloudmatrix-infer" : "deepseek-h800", 0);
            sb.append(String.format(Locale.ROOT,
                    "| %s | `ep_alpha` (decode EP%d) | dispatch %.1f us, combine %.1f us | measured dispatch/combine latency at %d tokens/rank minus the bytes over beta = %.0f GB/s (%s) |%n",
                    pn, c.deployment().decode().expertParallel(), c.dispatchAlphaMicros(), c.combineAlphaMicros(),
                    hw.ep().benchTokensPerRank(), c.epBetaBytesPerSecond() / 1e9, hw.ep().betaPath()));
        }
        sb.append("\nMeasured UB bandwidths and latencies (NPU-NPU read for the SP-TP-SP all-gather/all-to-all, NPU-NPU write\n");
        sb.append("for dispatch/combine beta, NPU-CPU read/write for the EMS cache) are used as given, without a further factor.\n");
        sb.append("\n## Reading the errors\n\n");
        sb.append(READING);
        return sb.toString();
    }

    private static final String READING = """
            - **Decode at batch 8 (15 ms SLO)** is dominated by weight reads and the fixed latency (alpha) of
              dispatch/combine. kv_b_proj (the absorbed W_UK / W_UV) is read in BF16 (CANN's MlaProlog has no
              dequant scale for W_UK; Ascend's msModelSlim recipes keep kv_b_proj unquantized), about +1.5 ms per
              step. Split into two microbatches every layer's attention weights would be read twice and the layer
              is HBM-bound (16.48 ms, +10.6 %); the deployment's adaptive microbatch policy runs such steps as one
              microbatch (weights read once): 15.44 ms (+3.6 %). The max-throughput search keeps the 15 ms SLO only
              down to batch 6 (TPOT 15.44 ms at batch 8 misses it by 0.44 ms), so its best row is well below the
              published 538 tok/s/NPU: the model is 3.6 % slow at batch 8, and the SLO boundary amplifies that.
            - **Decode at batch 96 (50 ms SLO)** comes out too fast. The binding resource is the attention stream
              (16 of 24 cube cores): the absorbed-MLA core is compute-bound (128 heads x 2 query tokens per
              sequence, 2 x 128 x 1,088 FLOP per query-key pair) at the measured 65.4 %: 668 of 971 us per layer.
              The gap is not the overlap: with no microbatch overlap at all the model gives 39.0 ms (-21 %). It is
              per-operator cost the operator benchmarks do not carry, growing with the batch. Open, unsourced
              candidates: how many vector (AIV) cores the dispatch/combine benchmark used (the MoE stream has 16 of
              48); the HBM bandwidth 2/3 of a die's cores reach; vector-core work (RMSNorm, RoPE, quantization,
              SwiGLU, KV-cache writes, sampling, MTP verification) whose throughput the reference sheet does not
              give; launch and cross-stream synchronization gaps; expert load imbalance (the deployment sets 1.0).
              No factor was changed to close the gap.
            - **Prefill** comes out far too fast: with GEMMs at the measured 80 % and the attention at 65.4 %, a MoE
              layer computes in 22.0 ms per die (8,192 tokens), while the published 6,688 tok/s/NPU implies ~39 ms.
              Communication is 12.6 ms per layer (dispatch/combine at the UB write bandwidth after alpha); even at the
              benchmark's effective per-rank rates (62 / 105 GB/s at EP32) it would be 18.9 ms, still hidden behind
              the compute by the two microbatches, so the choice of beta does not move this row. Without any overlap
              the model gives ~7,700 tok/s/NPU (+15 %). The attention efficiency is the decode MLA benchmark's,
              applied to prefill FlashAttention (d_qk 192, d_v 128, causal), for which no benchmark is given. What
              is missing is not identified from the sheet's facts.
            - **External rows** (DeepSeek's fleet statistics on H800) are averages over a day of real traffic with
              unknown lengths and load; they are context, not targets. The H800 prefill is bound by dispatch/combine
              over 50 GB/s RDMA in this model, which does not model DeepEP's node-limited routing (each token crosses
              to at most 4 nodes and is forwarded over NVLink), so it is pessimistic there.
            """;

}
