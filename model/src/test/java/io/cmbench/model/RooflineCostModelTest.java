package io.cmbench.model;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.cmbench.model.RooflineCostModel.DecodeOptions;
import io.cmbench.model.spec.SpecLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Operator costs against rooflines computed here by hand from the reference sheet's numbers. */
class RooflineCostModelTest {

    // reference-sheet facts, written out independently of the YAML
    static final double BF16 = 376e12, INT8 = 752e12, HBM = 1.6e12;
    static final double GEMM_EFF = (0.774 + 0.827) / 2, MLA_COMPUTE = 0.654, MLA_BW = 0.841;
    /**
     * attention_projection_compute re-derived from the A3 measurements at 2,048 tokens: q_b (INT8, K 1,536, N 3,072)
     * 55.079 us, o_proj (INT8, K 2,048, N 7,168) 131.027 us, kv_b_proj (BF16, K 512, N 4,096) 53.003 us.
     */
    static final double PROJ_EFF = (2.0 * 2048 * 1536 * 3072 / INT8 + 2.0 * 2048 * 2048 * 7168 / INT8 + 2.0 * 2048 * 512 * 4096 / BF16)
            / ((55.079 + 131.027 + 53.003) * 1e-6);
    /** KV bytes per token as stored: 61 main layers + the MTP module's layer, 576 INT8 elements each. */
    static final double KV_STORED = 62 * 576.0;

    private final RooflineCostModel paper = TestSpecs.paper();
    private final RooflineCostModel noMb = paper.withDecodeOptions(new DecodeOptions(true, 0.7, false));

    @Test
    void layoutFollowsTheDeployment() {
        PoolLayout l = paper.layout();
        assertThat(l.prefillInstances()).isEqualTo(6);
        assertThat(l.prefillNpusPerInstance()).isEqualTo(16);
        assertThat(l.prefillTokenBudgetPerInstance()).isEqualTo(16 * 16384);
        assertThat(l.decodeInstances()).isEqualTo(1);
        assertThat(l.decodeNpusPerInstance()).isEqualTo(160);
        assertThat(l.decodeDiesPerInstance()).isEqualTo(320);
        assertThat(l.decodeBatchCapPerNpu()).isEqualTo(96);
        assertThat(CostModels.forScenario(new ScenarioSpec("x", "cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 32))
                .layout().decodeBatchCapPerNpu()).isEqualTo(32);
        // KV capacity: what HBM holds after weights, EP buffers and the reserve, at 35,136 B per token
        double free = 64e9 - paper.decodeWeightBytesPerDie() - paper.decodeBufferBytesPerDie() - 2e9;
        assertThat(l.kvCacheTokensPerDie()).isEqualTo((long) Math.floor(free / KV_STORED));
        assertThat(paper.kvBytesPerToken()).isEqualTo(35_136.0);
        assertThat(paper.kvStoredBytesPerToken()).isEqualTo(35_712.0);
        // weights per die: 61+1 replicated attention layers (187.1 M params each, kv_b_proj's 16.8 M in BF16) dominate
        double attnLayer = (7168.0 * 1536 + 7168.0 * 576 + 1536.0 * 128 * 192 + 128.0 * 128 * 7168) + 2 * (512.0 * 128 * 256);
        assertThat(attnLayer).isEqualTo(203_882_496);
        assertThat(paper.decodeWeightBytesPerDie()).isBetween(62 * attnLayer, 21e9);
        assertThat(paper.mtpSpeculativeTokens()).isEqualTo(1);
        assertThat(paper.mtpAcceptance()).isEqualTo(0.7);
    }

    @Test
    void attentionCoreIsTheComputeRoofline() {
        // no microbatch: 48 sequences per die, 2 query tokens each (MTP), KV 4,096 each
        DecodeResult r = noMb.decodeUniform(96, 4096);
        double kv = 48 * 4096.0;
        double flops = 2.0 * 128 * (576 + 512) * 2 * kv;
        double compute = flops / (BF16 * MLA_COMPUTE);
        double memory = kv * 576 / (HBM * MLA_BW);
        assertThat(compute).isGreaterThan(memory);
        assertThat(r.operators().get("attention_core")).isCloseTo(compute * 1e6, within(0.01));
    }

    @Test
    void attentionCoreOnTheAttentionStreamGetsSixteenOfTwentyFourCubeCores() {
        DecodeResult r = paper.decodeUniform(96, 4096);
        double kv = 48 * 4096.0;   // both microbatches together
        double compute = 2.0 * 128 * 1088 * 2 * kv / (BF16 * MLA_COMPUTE * 16 / 24);
        assertThat(r.operators().get("attention_core")).isCloseTo(compute * 1e6, within(0.01));
    }

    @Test
    void mlaPrologIsMemoryBoundAtSmallBatch() {
        DecodeResult r = noMb.decodeUniform(8, 4096);
        // q_a, kv_a, q_b in INT8; the absorbed W_UK (half of kv_b_proj) in BF16 (no dequant scale for it in CANN's MlaProlog)
        double int8Params = 7168.0 * 1536 + 7168.0 * 576 + 1536.0 * 128 * 192;
        double wUk = 512.0 * 128 * 128;
        assertThat(int8Params + wUk).isEqualTo(61_276_160);
        double memory = (int8Params * 1 + wUk * 2) / (HBM * MLA_BW);
        double compute = 2 * int8Params * 8 / (INT8 * PROJ_EFF) + 2 * wUk * 8 / (BF16 * PROJ_EFF);
        assertThat(memory).isGreaterThan(compute);
        assertThat(r.operators().get("mla_prolog")).isCloseTo(memory * 1e6, within(0.01));
        // W_UV (BF16) + o_proj (INT8)
        double out = (512.0 * 128 * 128 * 2 + 128.0 * 128 * 7168) / (HBM * MLA_BW);
        assertThat(r.operators().get("output_projection")).isCloseTo(out * 1e6, within(0.01));
    }

    @Test
    void routedExpertGemmIsComputeBoundAtBatch96() {
        DecodeResult r = noMb.decodeUniform(96, 4096);
        // 320 dies x 96 tokens x top-8 over 288 routed slots (256 + 32 redundant), one per die
        double tokens = 320 * 96 * 8 / 288.0;
        double compute = 2 * 3 * 7168.0 * 2048 * tokens / (INT8 * GEMM_EFF);
        double memory = 3 * 7168.0 * 2048 / (HBM * MLA_BW);
        assertThat(compute).isGreaterThan(memory);
        // plus the SwiGLU kernel between the GEMMs: INT32 gate/up in (2 x 2,048 x 4 B + scale), INT8 out (+ scale)
        double swiglu = (2 * 2048 * 4 + 4 + 2048 + 4) / (HBM * MLA_BW);
        assertThat(r.operators().get("routed_experts")).isCloseTo((compute + tokens * swiglu) * 1e6, within(0.01));
        // the 32 shared-expert dies serve every token once: 320 x 96 / 32 = 960 tokens, the slowest
        double shared = 2 * 3 * 7168.0 * 2048 * 960 / (INT8 * GEMM_EFF);
        assertThat(r.operators().get("shared_expert")).isCloseTo((shared + 960 * swiglu) * 1e6, within(0.01));
    }

    @Test
    void dispatchAndCombineAreAlphaBeta() {
        // EP320 uses the EP256 row (the table is flat from 128 on): alpha = latency - 128 x 8 x msg / 135 GB/s
        double alphaD = 152e-6 - 128 * 8 * 7680 / 135e9;
        double alphaC = 149e-6 - 128 * 8 * 14336 / 135e9;
        assertThat(paper.dispatchAlphaMicros()).isCloseTo(alphaD * 1e6, within(1e-6));
        assertThat(paper.combineAlphaMicros()).isCloseTo(alphaC * 1e6, within(1e-6));
        DecodeResult r = noMb.decodeUniform(96, 4096);
        // a die sends 96 tokens x (8 routed + 1 shared) copies; a shared-expert die receives 960 x 1
        double sendD = 96 * 9 * 7680.0, recvD = 960 * 7680.0;
        assertThat(r.operators().get("dispatch")).isCloseTo((alphaD + Math.max(sendD, recvD) / 135e9) * 1e6, within(0.01));
        double comb = Math.max(960 * 14336.0, 96 * 9 * 14336.0);
        assertThat(r.operators().get("combine")).isCloseTo((alphaC + comb / 135e9) * 1e6, within(0.01));
    }

    @Test
    void attentionProjectionFactorIsTheMeasuredOne() {
        assertThat(PROJ_EFF).isCloseTo(paper.profile().factor("attention_projection_compute").value(), within(0.0005));
    }

    @Test
    void prefillAttentionIsQuadraticAndGemmsLinear() {
        int n = 64;
        int[] p = new int[n];
        Arrays.fill(p, 4096);
        PrefillResult r = paper.prefill(p, new int[n]);
        double pairs = n * 4096.0 * 4097 / 2;
        // prefill attention at the measured MLA prefill kernel's rate (prefill_attention_compute), not the decode MLA's
        double attn = 2.0 * 128 * (128 + 64 + 128) * pairs / 32 / (BF16 * 0.383);
        assertThat(r.operators().get("attention_core")).isCloseTo(attn * 1e6, within(0.5));
        double int8Params = 7168.0 * 1536 + 7168.0 * 576 + 1536.0 * 128 * 192 + 128.0 * 128 * 7168;
        double kvB = 512.0 * 128 * 256;   // kv_b_proj in BF16
        double tokens = n * 4096.0 / 32;
        // the attention projections at their measured rate (attention_projection_compute), not the expert GEMMs'
        double proj = paper.profile().factor("attention_projection_compute").value();   // PROJ_EFF, as rounded in the profile
        double linear = 2 * int8Params * tokens / (INT8 * proj) + 2 * kvB * tokens / (BF16 * proj);
        assertThat(r.operators().get("mla_linear")).isCloseTo(linear * 1e6, within(0.5));
        // doubling prompt length at the same token count doubles the attention per token, not the GEMMs
        int[] p2 = new int[n / 2];
        Arrays.fill(p2, 8192);
        PrefillResult r2 = paper.prefill(p2, new int[n / 2]);
        assertThat(r2.operators().get("attention_core") / r.operators().get("attention_core")).isCloseTo(2.0, within(0.01));
        assertThat(r2.operators().get("mla_linear")).isCloseTo(r.operators().get("mla_linear"), within(1e-6));
    }

    @Test
    void cachedPrefixSkipsComputeButIsReadOverUb() {
        int[] p = new int[64];
        Arrays.fill(p, 4096);
        int[] c = new int[64];
        Arrays.fill(c, 2048);
        PrefillResult cold = paper.prefill(p, new int[64]);
        PrefillResult warm = paper.prefill(p, c);
        assertThat(warm.batchMicros()).isLessThan(cold.batchMicros());
        assertThat(warm.operators().get("experts")).isCloseTo(cold.operators().get("experts") / 2, within(0.01));
        // cache read per layer per die: 64 x 2048 / 32 tokens x 576 B over the NPU-CPU read path (147 GB/s)
        assertThat(warm.operators().get("cache_read")).isCloseTo(64 * 2048 / 32.0 * 576 / 147e9 * 1e6, within(0.01));
        assertThat(cold.operators().get("cache_read")).isZero();
    }

    @Test
    void overTheVpcPlaneACacheHitCostsMoreButLessThanRecomputing() {
        RooflineCostModel vpc = TestSpecs.paper(TestSpecs.text("deployments", "cloudmatrix-infer") + "context_cache:\n  plane: vpc\n");
        double bytes = 4096 * KV_STORED;
        // each die's share of its node's 400 Gbps: 50 GB/s / 16 dies, after the VPC latency (10 us)
        assertThat(vpc.cacheReadMicros(4096)).isEqualTo(Math.round((10e-6 + bytes / (50e9 / 16)) * 1e6));
        assertThat(vpc.cacheReadMicros(4096)).isGreaterThan(paper.cacheReadMicros(4096));
        int[] p = new int[64];
        Arrays.fill(p, 4096);
        int[] c = new int[64];
        Arrays.fill(c, 2048);
        PrefillResult ub = paper.prefill(p, c), overVpc = vpc.prefill(p, c), cold = paper.prefill(p, new int[64]);
        assertThat(overVpc.operators().get("cache_read")).isGreaterThan(ub.operators().get("cache_read"));
        assertThat(overVpc.batchMicros()).isGreaterThan(ub.batchMicros()).isLessThan(cold.batchMicros());
    }

    @Test
    void kvTransferAndCacheReadAreLatencyPlusBytesOverBandwidth() {
        double bytes = 4096 * KV_STORED;   // the MTP layer's KV moves and is cached with the rest
        assertThat(paper.kvTransferMicros(4096)).isEqualTo(Math.round((5e-6 + bytes / 25e9) * 1e6));   // RDMA 200 Gbps per die
        assertThat(paper.cacheReadMicros(4096)).isEqualTo(Math.round((1.7e-6 + bytes / 147e9) * 1e6)); // UB NPU-CPU read, inter-node
        assertThat(paper.cacheWriteMicros(4096)).isEqualTo(Math.round((1.9e-6 + bytes / 107e9) * 1e6));
        assertThat(paper.kvTransferMicros(0)).isZero();
    }

    @Test
    void stepIsTheSumOfLayersMtpAndHead() {
        DecodeResult r = paper.decodeUniform(96, 4096);
        double fill = r.streams().get("pipeline_fill_drain");
        double sum = 58 * r.moeLayerMicros() + 3 * r.denseLayerMicros() + fill + r.mtpMicros() + r.lmHeadMicros();
        assertThat(r.stepMicros()).isCloseTo(sum, within(1e-6));
        assertThat(r.moeLayerMicros()).isEqualTo(Math.max(Math.max(r.streams().get("attention_stream"), r.streams().get("moe_stream")),
                Math.max(r.streams().get("chain"), r.streams().get("hbm"))));
        // LM head: 129,280 x 7,168 BF16 weights, memory-bound
        assertThat(r.lmHeadMicros()).isCloseTo(129_280.0 * 7168 * 2 / (HBM * MLA_BW) * 1e6, within(0.01));
    }

    @Test
    void pipelineFillAndDrainOfTwoMicrobatches() {
        // batch 96: 24 sequences x 2 query tokens per microbatch and die, KV 4,096 each
        DecodeResult r = paper.decodeUniform(96, 4096);
        double att = 16.0 / 24, moe = 8.0 / 24, hbm = HBM * MLA_BW;
        double prolog = Math.max(2 * (7168.0 * 1536 + 7168.0 * 576 + 1536.0 * 128 * 192) * 48 / (INT8 * GEMM_EFF * att)
                + 2 * 512.0 * 128 * 128 * 48 / (BF16 * GEMM_EFF * att), (61_276_160.0 + 512.0 * 128 * 128) / hbm);
        double core = 2.0 * 128 * 1088 * 2 * (24 * 4096.0) / (BF16 * MLA_COMPUTE * att);
        double out = (512.0 * 128 * 128 * 2 + 128.0 * 128 * 7168) / hbm;
        // vector kernels of the attention stream per token: add_rms_norm (read x and residual, write y and residual,
        // rstd), dynamic_quant of the prolog input (BF16 in, INT8 + scale out) and of o_proj's input (128 x 128)
        double vecA = (8 * 7168.0 + 4) + (3 * 7168.0 + 4) + (3 * 16384.0 + 4);
        double vec = 1.6e12 * 0.425;                          // norm and quantization kernels: vector_kernel_bandwidth
        double a = prolog + core + out + 48 * vecA / vec;     // attention of one microbatch
        double tokens = 320 * 48.0;                           // tokens of one microbatch over the instance
        double gate = 7168.0 * 256 * 2 / hbm;                 // memory-bound BF16 router
        double alphaD = 152e-6 - 128 * 8 * 7680 / 135e9, alphaC = 149e-6 - 128 * 8 * 14336 / 135e9;
        double shared = tokens / 32;                          // 480 tokens on each shared-expert die (the slowest)
        double dispatch = alphaD + shared * 7680 / 135e9;     // > 48 x 9 copies sent
        double expert = 2 * 3 * 7168.0 * 2048 * shared / (INT8 * GEMM_EFF * moe);
        double combine = alphaC + shared * 14336 / 135e9;
        double swiglu = (2 * 2048 * 4 + 4 + 2048 + 4) / hbm;  // SwiGLU kernel between the expert GEMMs, per token
        // the token's own MoE-side kernels: add_rms_norm, cast to fp32 for the gate, top-k, add of routed + shared
        double vecM = (8 * 7168.0 + 4) / vec + (6 * 7168.0 + (4 * 256.0 + 8 * 8) + 6 * 7168.0) / hbm;
        double m = gate + dispatch + expert + shared * swiglu + combine + 48 * vecM;   // MoE stream of one microbatch
        assertThat(2 * a).isGreaterThan(2 * m);               // the attention stream binds ...
        assertThat(r.moeLayerMicros()).isCloseTo(2 * a * 1e6, within(0.01));
        // ... so a pass of n layers takes n x 2a plus the last microbatch's MoE part: T1 - P = (2a + m) - 2a
        assertThat(r.streams().get("pipeline_fill_drain")).isCloseTo(m * 1e6, within(0.01));
        // the MTP module is its own one-layer pass: 2a + m, plus projection (2h x h INT8) and the draft head
        double proj = 2 * 7168.0 * 7168 / hbm, head = 129_280.0 * 7168 * 2 / hbm;
        assertThat(r.mtpMicros()).isCloseTo((2 * a + m + proj + head) * 1e6, within(0.01));
        // one microbatch: nothing to fill or drain
        assertThat(noMb.decodeUniform(96, 4096).streams().get("pipeline_fill_drain")).isZero();
    }

    @Test
    void prefillBatchIsLayersPlusExposedCombineMtpAndHeads() {
        int[] p = new int[64];
        Arrays.fill(p, 4096);
        PrefillResult r = paper.prefill(p, new int[64]);
        // per die 8,192 tokens x 8 copies = 65,536 of 14 KiB over 135 GB/s after alpha(EP32) = 146 us - 128 x 8 x 14 KiB / 135 GB/s
        double combine = 146e-6 - 128 * 8 * 14336 / 135e9 + 65_536 * 14336 / 135e9;
        assertThat(r.operators().get("combine")).isCloseTo(combine * 1e6, within(0.01));
        double fill = combine / 2 * 1e6;                      // the last microbatch's combine is exposed, once per pass
        assertThat(r.layerTotals().get("pipeline_fill_drain")).isCloseTo(fill, within(0.01));
        double head = 129_280.0 * 7168 * 2 / (HBM * MLA_BW) * 1e6;   // 2 last tokens per die: memory-bound
        double proj = 2 * 7168.0 * 7168 * 2 * 8192 / (INT8 * GEMM_EFF) * 1e6;
        assertThat(r.layerTotals().get("mtp")).isCloseTo(r.moeLayerMicros() + fill + proj + head, within(0.01));
        assertThat(r.batchMicros()).isCloseTo(58 * r.moeLayerMicros() + 3 * r.denseLayerMicros() + fill
                + r.layerTotals().get("mtp") + head, within(0.01));
    }

    @Test
    void decodeStepMicrosMatchesTheBreakdownAndIsDeterministic() {
        int[] s = new int[320];
        long[] k = new long[320];
        for (int i = 0; i < 320; i++) {
            s[i] = 30 + (i * 7) % 19;
            k[i] = s[i] * (1000L + (i * 131) % 3000);
        }
        long a = paper.decodeStepMicros(s, k);
        assertThat(paper.decodeStepMicros(s, k)).isEqualTo(a);
        assertThat(a).isEqualTo(Math.round(paper.decode(s, k).stepMicros()));
        assertThat(a).isPositive();
    }

    @Test
    void slowestDieSetsThePace() {
        int[] s = new int[320];
        long[] k = new long[320];
        Arrays.fill(s, 10);
        Arrays.fill(k, 10 * 2000L);
        long base = paper.decodeStepMicros(s, k);
        int[] s2 = s.clone();
        long[] k2 = k.clone();
        s2[17] = 48;
        k2[17] = 48 * 8000L;
        long one = paper.decodeStepMicros(s2, k2);
        assertThat(one).isGreaterThan(base);
        // all dies at the slow die's load costs more again (more tokens for the experts), but the attention stream equals
        int[] s3 = new int[320];
        long[] k3 = new long[320];
        Arrays.fill(s3, 48);
        Arrays.fill(k3, 48 * 8000L);
        assertThat(paper.decodeStepMicros(s3, k3)).isGreaterThanOrEqualTo(one);
    }

    @Test
    void batchThatDoesNotFitIsReported() {
        int[] s = new int[320];
        long[] k = new long[320];
        Arrays.fill(s, 1);
        k[3] = paper.layout().kvCacheTokensPerDie() + 1;
        assertThatThrownBy(() -> paper.decodeStepMicros(s, k)).isInstanceOf(InsufficientMemoryException.class).hasMessageContaining("die 3");
        int[] p = {20_000_000};
        assertThatThrownBy(() -> paper.prefill(p, new int[1])).isInstanceOf(InsufficientMemoryException.class);
    }

    @Test
    void badArgumentsAndEmptyBatch() {
        assertThat(paper.decodeStepMicros(new int[320], new long[320])).isZero();
        assertThatThrownBy(() -> paper.decodeStepMicros(new int[320], new long[3])).isInstanceOf(IllegalArgumentException.class);
        assertThat(paper.prefillBatchMicros(new int[0], new int[0])).isZero();
    }

    @Test
    void h800WhatIfLoads() {
        RooflineCostModel h = CostModels.build("h800", "deepseek-r1", "deepseek-h800", 0, Calibration.PHYSICS_NAME);
        assertThat(h.layout().decodeDiesPerInstance()).isEqualTo(144);
        assertThat(h.kvBytesPerToken()).isEqualTo(2 * 35_136.0);   // BF16 latent cache
        assertThat(h.decodeUniform(64, 4096).stepMicros()).isPositive();
        assertThat(SpecLoader.profile("h100").ubBandwidthPerDie()).isGreaterThan(SpecLoader.profile("h800").ubBandwidthPerDie());
    }
}
