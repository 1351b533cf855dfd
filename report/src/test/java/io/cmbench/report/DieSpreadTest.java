package io.cmbench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class DieSpreadTest {

    @Test
    void countsPerInstanceAndDieIncludingIdleDies() {
        DieSpread.Builder b = new DieSpread.Builder();
        b.add(0, 0, 100).add(0, 0, 100).add(0, 1, 50).add(1, 2, 300).add(0, -1, 999); // die -1: prefill only
        DieSpread d = b.build();
        assertThat(d.instances()).isEqualTo(2);
        assertThat(d.diesPerInstance()).isEqualTo(3);
        assertThat(d.dies()).isEqualTo(6);
        // index = instance * diesPerInstance + die
        assertThat(d.requests()).containsExactly(2, 1, 0, 0, 0, 1);
        assertThat(d.tokens()).containsExactly(200, 50, 0, 0, 0, 300);

        DieSpread.Stats tok = d.tokenStats();
        assertThat(tok.min()).isZero();
        assertThat(tok.max()).isEqualTo(300);
        assertThat(tok.mean()).isCloseTo(550 / 6.0, within(1e-9));
        assertThat(tok.imbalance()).isCloseTo(300 / (550 / 6.0), within(1e-9));
        assertThat(tok.idle()).isEqualTo(3);
        DieSpread.Stats req = d.requestStats();
        assertThat(req.mean()).isCloseTo(4 / 6.0, within(1e-9));
    }

    @Test
    void statsOfAPerfectlyBalancedLoad() {
        DieSpread.Stats s = DieSpread.stats(new long[] {7, 7, 7, 7});
        assertThat(s.imbalance()).isEqualTo(1.0);
        assertThat(s.cv()).isZero();
        assertThat(s.idle()).isZero();
        // population standard deviation: {2, 4, 4, 4, 5, 5, 7, 9} has mean 5 and sd 2
        assertThat(DieSpread.stats(new long[] {2, 4, 4, 4, 5, 5, 7, 9}).cv()).isCloseTo(0.4, within(1e-12));
        assertThat(DieSpread.stats(new long[0]).mean()).isZero();
    }

    @Test
    void histogramOfPerDieLoadsCoversEveryDie() {
        long[] loads = {10, 11, 12, 20, 20, 29, 30};
        List<Histograms.Bin> bins = DieSpread.histogram(loads, 3);
        assertThat(bins).hasSize(3);
        assertThat(bins.get(0).lo()).isEqualTo(10);
        assertThat(bins.get(2).hi()).isGreaterThan(30);
        assertThat(bins.stream().mapToLong(Histograms.Bin::count).sum()).isEqualTo(loads.length);
        assertThat(bins).extracting(Histograms.Bin::count).containsExactly(3L, 2L, 2L); // [10,17) [17,24) [24,31)
        // fewer distinct values than bins: one bin per unit
        assertThat(DieSpread.histogram(new long[] {5, 5, 6}, 10)).extracting(Histograms.Bin::count).containsExactly(2L, 1L);
        assertThat(DieSpread.histogram(new long[] {4, 4, 4}, 10)).singleElement().extracting(Histograms.Bin::count).isEqualTo(3L);
    }

    @Test
    void binsFollowTheValuesCommonStep() {
        // tokens per die = requests x 256: 20 bins over 68,864..70,656 would leave most bins empty by construction
        long[] loads = {68_864, 69_120, 69_120, 69_376, 69_632, 69_632, 69_632, 70_656};
        List<Histograms.Bin> bins = DieSpread.histogram(loads, 20);
        assertThat(bins).hasSize(8); // (70,656 - 68,864) / 256 + 1 lattice points
        assertThat(bins.get(0).hi() - bins.get(0).lo()).isEqualTo(256);
        assertThat(bins).extracting(Histograms.Bin::count).containsExactly(1L, 2L, 1L, 3L, 0L, 0L, 0L, 1L);
        List<Histograms.Bin> coarse = DieSpread.histogram(loads, 3);
        assertThat(coarse).hasSize(3);
        assertThat(coarse.get(0).hi() - coarse.get(0).lo()).isEqualTo(768); // 3 steps of 256 per bin
        assertThat(coarse.stream().mapToLong(Histograms.Bin::count).sum()).isEqualTo(loads.length);
        assertThat(DieSpread.gcd(512, 768)).isEqualTo(256);
        assertThat(DieSpread.gcd(0, 7)).isEqualTo(7);
    }
}
