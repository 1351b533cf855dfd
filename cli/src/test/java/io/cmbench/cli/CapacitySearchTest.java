package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The search's bracketing: where the next stage probes, from what the previous ones measured. */
class CapacitySearchTest {

    static final RunSummary.Latency NONE = new RunSummary.Latency(0, 0, 0, 0, 0, 0);

    static List<CapacityProbe> probes(double limit, double... rates) {
        List<CapacityProbe> out = new ArrayList<>();
        for (double r : rates) {
            boolean ok = r <= limit;
            out.add(new CapacityProbe(1, r, ok ? 0.95 : 0.5, 1.0, ok, r, r, true, 0, 0, 0, NONE, NONE));
        }
        return out;
    }

    @Test
    void aCrossingIsRefinedBetweenTheHighestPassAndTheLowestFailAbove() {
        List<Double> next = CapacitySearch.nextRates(probes(105, 60, 80, 90, 95, 100, 105, 110));
        assertThat(next).containsExactly(106.0, 107.0, 108.0, 109.0);
    }

    @Test
    void aResolvedCrossingEndsTheSearch() {
        assertThat(CapacitySearch.nextRates(probes(100, 90, 100, 101))).isEmpty();
    }

    @Test
    void whenEverythingMeetsTheTargetTheNextStageLooksHigher() {
        List<Double> next = CapacitySearch.nextRates(probes(1e9, 60, 80, 100));
        assertThat(next).allSatisfy(r -> assertThat(r).isGreaterThan(100));
        assertThat(next).isSorted();
    }

    @Test
    void whenNothingMeetsTheTargetTheNextStageLooksLower() {
        List<Double> next = CapacitySearch.nextRates(probes(0, 60, 80, 100));
        assertThat(next).allSatisfy(r -> assertThat(r).isLessThan(60).isPositive());
    }

    @Test
    void theAnswerIsTheHighestPassEvenAboveAFailingRate() {
        // attainment is measured, not assumed monotone: a failing rate below a passing one does not stop the search there
        List<CapacityProbe> p = probes(100, 60, 80, 100, 120);
        p.set(1, new CapacityProbe(1, 80, 0.5, 1.0, false, 80, 80, true, 0, 0, 0, NONE, NONE));
        assertThat(CapacitySearch.nextRates(p)).containsExactly(104.0, 108.0, 112.0, 116.0);
    }

    @Test
    void keepingUpAllowsThreeStandardDeviationsOfPoissonNoise() {
        assertThat(CapacityProbe.keepUpTolerance(10_000)).isEqualTo(0.03);
        assertThat(CapacityProbe.keepUpTolerance(50_000_000)).isEqualTo(0.005);
    }

    @Test
    void stagesSpanEnoughSimulatedTimeToSeeAQueueBuild() {
        CapacitySearch.Timing t = CapacitySearch.Timing.of(14.8);
        assertThat(t.windowSeconds()).isEqualTo(7);
        assertThat(t.warmupWindows()).isEqualTo(6);
        assertThat(t.durationSeconds() - t.warmupWindows() * t.windowSeconds()).isGreaterThanOrEqualTo(60);
    }
}
