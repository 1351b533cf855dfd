package io.cmbench.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.cmbench.model.RooflineCostModel.DecodeOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decode step's results are frozen: the emulation's outputs, the docs' numbers and byte-identical runs all depend
 * on every bit of them, so a change made for speed must not move any of them. Each variant of the model (microbatch
 * policies, MTP off, shared and disjoint streams, physics and calibrated, stochastic and balanced routing) prices
 * 10,000 seeded random steps (uneven, uniform, partly empty, beyond the batch cap); the digest of their microseconds and
 * of their breakdowns' exact doubles was recorded from the implementation before the hot path was optimized (commit
 * e2c1cd8), and every later one must reproduce it exactly.
 */
class DecodeStepIdentityTest {

    private static final int STEPS = 10_000;

    /** Variant name to the digest recorded at e2c1cd8 (hex of {@link #digest}). */
    private static final Map<String, String> RECORDED = new LinkedHashMap<>();
    static {
        RECORDED.put("paper calibrated (adaptive microbatches)", "559263f1c25b95a2");
        RECORDED.put("paper physics", "c649c18128aa83a2");
        RECORDED.put("paper balanced routing", "3858ef4847712cda");
        RECORDED.put("paper two microbatches always", "a992c09d4afe9a81");
        RECORDED.put("paper one microbatch", "8013512c6111ad1f");
        RECORDED.put("paper without MTP", "655d190ca735fe65");
        RECORDED.put("cann-recipes-a3 (one microbatch, adaptive)", "7b7f19f5d4f70630");
        RECORDED.put("deepseek-h800 (shared streams)", "fcc796611f06a40f");
    }

    private static Map<String, RooflineCostModel> variants() {
        RooflineCostModel paper = CostModels.build("cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 0);
        Map<String, RooflineCostModel> v = new LinkedHashMap<>();
        v.put("paper calibrated (adaptive microbatches)", paper);
        v.put("paper physics", paper.withCalibration(Calibration.PHYSICS));
        v.put("paper balanced routing", paper.withDeployment(paper.deployment().withBalancedRouting()));
        v.put("paper two microbatches always", paper.withDeployment(paper.deployment().withDecodeMicrobatchesAlways()));
        v.put("paper one microbatch", paper.withDecodeOptions(new DecodeOptions(true, 0.7, false)));
        v.put("paper without MTP", paper.withDecodeOptions(new DecodeOptions(false, 0.7, true)));
        v.put("cann-recipes-a3 (one microbatch, adaptive)", CostModels.build("cloudmatrix384", "deepseek-r1", "cann-recipes-a3", 0));
        v.put("deepseek-h800 (shared streams)", CostModels.build("h800", "deepseek-r1", "deepseek-h800", 0));
        return v;
    }

    @Test
    void decodeStepReproducesTheRecordedResultsBitForBit() {
        Map<String, String> actual = new LinkedHashMap<>();
        variants().forEach((name, model) -> actual.put(name, Long.toHexString(digest(model))));
        assertThat(actual).containsExactlyEntriesOf(RECORDED);
    }

    /** A digest of the step times (µs, and the breakdown's exact doubles) of {@link #STEPS} seeded random steps. */
    static long digest(RooflineCostModel model) {
        PoolLayout l = model.layout();
        int dies = l.decodeDiesPerInstance();
        int capPerDie = Math.max(1, l.decodeBatchCapPerNpu() / model.profile().diesPerNpu());
        long kvCap = l.kvCacheTokensPerDie();
        SplittableRandom rnd = new SplittableRandom(20261203L);
        long h = 0xcbf29ce484222325L;
        int[] s = new int[dies];
        long[] k = new long[dies];
        for (int step = 0; step < STEPS; step++) {
            fill(rnd, step % 5, capPerDie, kvCap, s, k);
            h = mix(h, model.decodeStepMicros(s, k));
            h = mix(h, model.decodeUsesTwoMicrobatches(s, k) ? 1 : 0);
            // the breakdown's exact doubles: a change below the microsecond the step rounds to shows here
            DecodeResult r = model.decode(s, k);
            for (double x : List.of(r.stepMicros(), r.moeLayerMicros(), r.denseLayerMicros(), r.mtpMicros(), r.lmHeadMicros())) {
                h = mix(h, Double.doubleToLongBits(x));
            }
            for (Map.Entry<String, Double> e : r.operators().entrySet()) {
                h = mix(h, e.getKey().hashCode());
                h = mix(h, Double.doubleToLongBits(e.getValue()));
            }
            for (Map.Entry<String, Double> e : r.streams().entrySet()) {
                h = mix(h, e.getKey().hashCode());
                h = mix(h, Double.doubleToLongBits(e.getValue()));
            }
            h = mix(h, r.microbatches());
        }
        return h;
    }

    /**
     * One step's load. Patterns: 0 uneven (every die its own batch and KV), 1 uniform (every die the same), 2 runs of
     * equal dies, 3 partly empty (a third of the dies idle, some with zero KV), 4 beyond the batch cap and up to the
     * KV capacity.
     */
    private static void fill(SplittableRandom rnd, int pattern, int capPerDie, long kvCap, int[] s, long[] k) {
        int n = s.length;
        int uniformS = rnd.nextInt(capPerDie + 1);
        long uniformLen = 1 + rnd.nextInt(8192);
        for (int i = 0; i < n; i++) {
            int si;
            long ki;
            switch (pattern) {
                case 0 -> {
                    si = rnd.nextInt(capPerDie + 1);
                    ki = (long) si * (1 + rnd.nextInt(8192));
                }
                case 1 -> {
                    si = uniformS;
                    ki = si * uniformLen;
                }
                case 2 -> {
                    if (i % 16 == 0) {
                        uniformS = rnd.nextInt(capPerDie + 1);
                        uniformLen = 1 + rnd.nextInt(8192);
                    }
                    si = uniformS;
                    ki = si * uniformLen;
                }
                case 3 -> {
                    si = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(capPerDie + 1);
                    ki = rnd.nextInt(4) == 0 ? 0 : (long) si * rnd.nextInt(8192);
                }
                default -> {
                    si = rnd.nextInt(4 * capPerDie + 1);
                    ki = rnd.nextLong(kvCap + 1);
                }
            }
            s[i] = si;
            k[i] = Math.min(ki, kvCap);
        }
    }

    private static long mix(long h, long x) {
        h ^= x;
        h *= 0x100000001b3L;
        return h ^ (h >>> 29);
    }
}
