package io.cmbench.model;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.cmbench.model.RooflineCostModel.DecodeOptions;
import io.cmbench.model.spec.SpecLoader;

import static io.cmbench.model.TestSpecs.replaceOnce;
import static io.cmbench.model.TestSpecs.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Monotonicity and the MTP / microbatch switches. */
class BehaviourTest {
    private final RooflineCostModel paper = TestSpecs.paper();

    @Test
    void largerBatchOrLongerKvMeansLongerStep() {
        for (RooflineCostModel c : new RooflineCostModel[] {paper, paper.withDecodeOptions(new DecodeOptions(false, 0, false)),
                CostModels.build("h800", "deepseek-r1", "deepseek-h800", 0, Calibration.PHYSICS_NAME)}) {
            double prev = 0;
            for (int b = 1; b <= 128; b++) {
                double s = c.decodeUniform(b, 4096).stepMicros();
                assertThat(s).as("batch %d", b).isGreaterThanOrEqualTo(prev);
                prev = s;
            }
            prev = 0;
            for (int kv = 0; kv <= 10240; kv += 256) {
                double s = c.decodeUniform(64, kv).stepMicros();
                assertThat(s).as("kv %d", kv).isGreaterThanOrEqualTo(prev);
                prev = s;
            }
        }
        assertThat(paper.decodeUniform(96, 8192).stepMicros()).isGreaterThan(paper.decodeUniform(96, 4096).stepMicros());
        assertThat(paper.decodeUniform(96, 4096).stepMicros()).isGreaterThan(paper.decodeUniform(48, 4096).stepMicros());
    }

    @Test
    void longerPromptsOrMoreTokensMeanLongerPrefill() {
        double prev = 0;
        for (int n = 1; n <= 64; n++) {
            int[] p = new int[n];
            Arrays.fill(p, 4096);
            double t = paper.prefill(p, new int[n]).batchMicros();
            assertThat(t).isGreaterThan(prev);
            prev = t;
        }
    }

    @Test
    void moreNpusAreNoSlowerForTheSameWork() {
        // the same 9,216 sequences on the H800 what-if: EP144 (64 per GPU) vs EP288 (32 per GPU, one routed expert each)
        RooflineCostModel h144 = CostModels.build("h800", "deepseek-r1", "deepseek-h800", 0, Calibration.PHYSICS_NAME);
        String dep288 = replaceOnce(replaceOnce(replaceOnce(text("deployments", "deepseek-h800"),
                "npus_per_instance: 144", "npus_per_instance: 288"), "expert_parallel: 144", "expert_parallel: 288"),
                "shared_expert_copies: 144", "shared_expert_copies: 288");
        RooflineCostModel h288 = new RooflineCostModel(SpecLoader.profile("h800"), SpecLoader.model("deepseek-r1"),
                TestSpecs.deployment(dep288), 0, null);
        assertThat(h288.decodeUniform(32, 4096).stepMicros()).isLessThanOrEqualTo(h144.decodeUniform(64, 4096).stepMicros());

        // prefill: the same 64 prompts on 16 vs 32 NPUs (EP64 with 64 redundant experts: 5 per die)
        String pre32 = replaceOnce(replaceOnce(replaceOnce(text("deployments", "cloudmatrix-infer"),
                "npus_per_instance: 16 ", "npus_per_instance: 32 "), "expert_parallel: 32 ", "expert_parallel: 64 "),
                "redundant_experts: 32\n  shared_expert_placement: replicated", "redundant_experts: 64\n  shared_expert_placement: replicated");
        pre32 = replaceOnce(pre32, "instances: 6", "instances: 3");
        RooflineCostModel big = new RooflineCostModel(SpecLoader.profile("cloudmatrix384"), SpecLoader.model("deepseek-r1"),
                TestSpecs.deployment(pre32), 0, null);
        int[] p = new int[64];
        Arrays.fill(p, 4096);
        assertThat(big.prefill(p, new int[64]).batchMicros()).isLessThan(paper.prefill(p, new int[64]).batchMicros());
    }

    @Test
    void mtpSwitchChangesTokensPerStepAndWork() {
        RooflineCostModel off = paper.withDecodeOptions(new DecodeOptions(false, 0.7, true));
        DecodeResult on = paper.decodeUniform(96, 4096);
        DecodeResult no = off.decodeUniform(96, 4096);
        assertThat(on.tokensPerStep()).isCloseTo(1.7, within(1e-12));
        assertThat(no.tokensPerStep()).isEqualTo(1.0);
        assertThat(off.mtpSpeculativeTokens()).isZero();
        assertThat(no.mtpMicros()).isZero();
        assertThat(on.mtpMicros()).isPositive();
        assertThat(no.stepMicros()).isLessThan(on.stepMicros());        // half the query tokens, no MTP module
        assertThat(no.tpotMicros()).isGreaterThan(on.tpotMicros());      // but only one token per step
        // acceptance changes TPOT, not the step
        RooflineCostModel acc9 = paper.withDecodeOptions(new DecodeOptions(true, 0.9, true));
        DecodeResult r9 = acc9.decodeUniform(96, 4096);
        assertThat(r9.stepMicros()).isEqualTo(on.stepMicros());
        assertThat(r9.tpotMicros()).isCloseTo(on.stepMicros() / 1.9, within(1e-6));
    }

    @Test
    void microbatchSwitchTradesWeightRereadsForOverlap() {
        RooflineCostModel single = paper.withDecodeOptions(new DecodeOptions(true, 0.7, false));
        RooflineCostModel always = TestSpecs.paper(replaceOnce(text("deployments", "cloudmatrix-infer"), "microbatch_policy: adaptive",
                        "microbatch_policy: always"));
        // batch 2: nothing to overlap, and two microbatches would read the weights twice
        assertThat(single.decodeUniform(2, 4096).stepMicros()).isLessThan(always.decodeUniform(2, 4096).stepMicros());
        // batch 96: overlapping the MoE stream behind the attention stream wins
        assertThat(always.decodeUniform(96, 4096).stepMicros()).isLessThan(single.decodeUniform(96, 4096).stepMicros());
        // without microbatches an MoE layer is exactly attention + MoE in sequence
        DecodeResult r = single.decodeUniform(96, 4096);
        assertThat(r.moeLayerMicros()).isCloseTo(r.streams().get("attention_stream") + r.streams().get("moe_stream"), within(1e-6));
    }

    @Test
    void adaptivePolicyRunsEachStepTheFasterWay() {
        RooflineCostModel single = paper.withDecodeOptions(new DecodeOptions(true, 0.7, false));
        RooflineCostModel always = TestSpecs.paper(replaceOnce(text("deployments", "cloudmatrix-infer"), "microbatch_policy: adaptive",
                        "microbatch_policy: always"));
        for (int b : new int[] {1, 2, 8, 32, 96}) {
            DecodeResult a = paper.decodeUniform(b, 4096);
            double best = Math.min(single.decodeUniform(b, 4096).stepMicros(), always.decodeUniform(b, 4096).stepMicros());
            assertThat(a.stepMicros()).as("batch %d", b).isEqualTo(best);
            assertThat(a.microbatches()).isEqualTo(best == always.decodeUniform(b, 4096).stepMicros() ? 2 : 1);
        }
        assertThat(paper.decodeUniform(2, 4096).microbatches()).isEqualTo(1);
        assertThat(paper.decodeUniform(96, 4096).microbatches()).isEqualTo(2);
        // the emulation's entry point agrees with the breakdown
        int dies = paper.layout().decodeDiesPerInstance();
        int[] seqs = new int[dies];
        long[] kv = new long[dies];
        java.util.Arrays.fill(seqs, 1);
        java.util.Arrays.fill(kv, 4096);
        assertThat((double) paper.decodeStepMicros(seqs, kv)).isCloseTo(paper.decodeUniform(2, 4096).stepMicros(), within(1.0));
    }

    @Test
    void expertImbalanceSlowsTheMoeStream() {
        String dep = replaceOnce(text("deployments", "cloudmatrix-infer"), "expert_load_imbalance: 1.0     # popularity skew on top of the stochastic routing: none measured\n  expert_routing: stochastic     # each",
                "expert_load_imbalance: 1.5     # popularity skew on top of the stochastic routing: none measured\n  expert_routing: stochastic     # each");
        RooflineCostModel skew = TestSpecs.paper(dep);
        DecodeResult a = paper.decodeUniform(96, 4096), b = skew.decodeUniform(96, 4096);
        assertThat(b.operators().get("routed_experts")).isCloseTo(1.5 * a.operators().get("routed_experts"), within(0.01));
        assertThat(b.streams().get("moe_stream")).isGreaterThan(a.streams().get("moe_stream"));
    }

    @Test
    void sloSearchFindsTheLargestBatchMeetingTheSlo() {
        SloSearch.Result r = SloSearch.maxBatch(paper, 50, 4096, 256);
        assertThat(r.batchPerNpu()).isPositive();
        assertThat(r.tpotMicros()).isLessThanOrEqualTo(50_000);
        RooflineCostModel used = r.microbatch() ? paper : paper.withDecodeOptions(new DecodeOptions(true, 0.7, false));
        assertThat(used.decodeUniform(r.batchPerNpu() + 1, 4096 + 128).tpotMicros()).isGreaterThan(50_000);
        assertThat(SloSearch.maxBatch(paper, 1, 4096, 256).batchPerNpu()).isZero();
    }
}
