package io.cmbench.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ExpertLoadTest {

    @Test
    void blomsApproximationOfTheExpectedMaximumOfNormals() {
        // exact expected maxima of n standard normals: 0.5642 (n = 2), 1.5388 (10), 2.5076 (100)
        assertThat(ExpertLoad.expectedMaxOfNormals(1)).isZero();
        assertThat(ExpertLoad.expectedMaxOfNormals(2)).isCloseTo(0.5642, within(0.03));   // Blom is coarsest at tiny n
        assertThat(ExpertLoad.expectedMaxOfNormals(10)).isCloseTo(1.5388, within(0.02));
        assertThat(ExpertLoad.expectedMaxOfNormals(100)).isCloseTo(2.5076, within(0.02));
    }

    @Test
    void balancedRoutingGivesEveryDieTheMean() {
        ExpertLoad l = new ExpertLoad(256, 8, 32, 1, 288, false);
        assertThat(l.busiestDiePairs(28_800)).isCloseTo(28_800 * 8.0 / 288, within(1e-9));
    }

    @Test
    void withOneSlotPerDieTheBusiestDiesHoldASingleCopyExpert() {
        // EP320 decode: 288 routed dies, 32 experts with two copies, 224 with one. 15,360 tokens in the pass.
        ExpertLoad l = new ExpertLoad(256, 8, 32, 1, 288, true);
        double single = 15_360 * 8.0 / 256;     // 480 pairs expected on a single-copy expert's die
        double z = ExpertLoad.expectedMaxOfNormals(224);
        assertThat(z).isBetween(2.6, 2.9);
        assertThat(l.busiestDiePairs(15_360)).isCloseTo(single + z * Math.sqrt(single * (1 - 8.0 / 256)), within(1e-9));
        // the busiest die's excess over the mean die falls, relatively, as the tokens grow
        double small = l.busiestDiePairs(2_560) / l.meanDiePairs(2_560), large = l.busiestDiePairs(30_720) / l.meanDiePairs(30_720);
        assertThat(small).isGreaterThan(large);
        assertThat(large).isGreaterThan(288.0 / 256);   // never below the single-copy dies' expected share
    }

    @Test
    void withSeveralSlotsPerDieThePackingBalancesTheExpectedLoad() {
        // EP32 prefill: 9 slots per die; 262,144 tokens: mean 65,536 pairs per die, a small stochastic excess
        ExpertLoad l = new ExpertLoad(256, 8, 32, 9, 32, true);
        double mean = 262_144 * 8.0 / 32;
        assertThat(l.busiestDiePairs(262_144)).isGreaterThan(mean).isLessThan(mean * 1.01);
    }

    @Test
    void stochasticRoutingSlowsTheDecodeMoeStream() {
        RooflineCostModel stochastic = CostModels.build("cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 0, Calibration.PHYSICS_NAME);
        RooflineCostModel balanced = stochastic.withDeployment(stochastic.deployment().withBalancedRouting());
        DecodeResult s = stochastic.decodeUniform(96, 4096), b = balanced.decodeUniform(96, 4096);
        assertThat(s.operators().get("routed_experts")).isGreaterThan(1.1 * b.operators().get("routed_experts"));
        assertThat(s.streams().get("moe_stream")).isGreaterThan(b.streams().get("moe_stream"));
    }
}
