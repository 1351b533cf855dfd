package io.cmbench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HistogramsTest {

    @Test
    void mergingEncodedWindowsEqualsRecordingEverythingOnce() {
        Random r = new Random(7);
        Histogram all = new Histogram(3);
        List<byte[]> windows = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            Histogram h = new Histogram(3);
            for (int i = 0; i < 500; i++) {
                long v = 10_000 + (long) (w * 2_000 + 30_000 * r.nextDouble()); // windows drift upward
                h.recordValue(v);
                all.recordValue(v);
            }
            windows.add(FixtureRun.encode(h));
        }
        Histogram merged = Histograms.merge(windows);
        assertThat(merged.getTotalCount()).isEqualTo(3000);
        for (double p : new double[] {50, 90, 99, 99.9, 100}) {
            assertThat(merged.getValueAtPercentile(p)).as("p%s", p).isEqualTo(all.getValueAtPercentile(p));
        }
        RunData.Latency l = Histograms.latency(merged);
        assertThat(l.count()).isEqualTo(3000);
        assertThat(l.p50Ms()).isEqualTo(all.getValueAtPercentile(50) / 1000.0);
        assertThat(l.maxMs()).isEqualTo(all.getMaxValue() / 1000.0);
    }

    @Test
    void percentilesOfAKnownDistribution() {
        Histogram h = new Histogram(3);
        for (long v = 1; v <= 1000; v++) {
            h.recordValue(v * 100); // 100 µs .. 100 ms, uniform
        }
        RunData.Latency l = Histograms.latency(Histograms.decode(FixtureRun.encode(h)));
        assertThat(l.p50Ms()).isBetween(49.95, 50.05);
        assertThat(l.p90Ms()).isBetween(89.9, 90.1);
        assertThat(l.p99Ms()).isBetween(98.9, 99.1);
        assertThat(l.maxMs()).isBetween(99.95, 100.05);
    }

    @Test
    void emptyInputs() {
        assertThat(Histograms.decode(new byte[0]).getTotalCount()).isZero();
        assertThat(Histograms.merge(List.of()).getTotalCount()).isZero();
        assertThat(Histograms.latency(Histograms.empty())).isEqualTo(RunData.Latency.empty());
        assertThatThrownBy(() -> Histograms.decode(new byte[] {1, 2, 3})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void binsCountEveryValueOnceAndPlaceThemRight() {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(10_000, 5);  // bin 0 of [10 ms, 50 ms) / 4
        h.recordValueWithCount(25_000, 3);  // bin 1: [20, 30)
        h.recordValueWithCount(49_000, 2);  // bin 3: [40, 50]
        h.recordValueWithCount(90_000, 1);  // above hi: clamped into the last bin
        h.recordValueWithCount(1_000, 4);   // below lo: clamped into the first bin
        List<Histograms.Bin> bins = Histograms.bins(h, 10_000, 50_000, 4);
        assertThat(bins).hasSize(4);
        assertThat(bins.stream().mapToLong(Histograms.Bin::count).sum()).isEqualTo(h.getTotalCount());
        assertThat(bins).extracting(Histograms.Bin::count).containsExactly(9L, 3L, 0L, 3L);
        assertThat(bins.get(1).lo()).isEqualTo(20_000);
        assertThat(bins.get(1).hi()).isEqualTo(30_000);
        assertThat(bins.get(1).mid()).isEqualTo(25_000);
        assertThatThrownBy(() -> Histograms.bins(h, 0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void logBinsAreEqualInLogSpace() {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(1_500, 10);      // bin 0 of [1 ms, 1000 ms] in 3 decades
        h.recordValueWithCount(50_000, 20);     // bin 1: [10, 100) ms
        h.recordValueWithCount(900_000, 5);     // bin 2
        h.recordValueWithCount(5_000_000, 1);   // above: last bin
        List<Histograms.Bin> bins = Histograms.logBins(h, 1_000, 1_000_000, 3);
        assertThat(bins).extracting(Histograms.Bin::count).containsExactly(10L, 20L, 6L);
        assertThat(bins.get(1).lo()).isCloseTo(10_000, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(bins.get(1).geometricMid()).isCloseTo(Math.sqrt(10_000.0 * 100_000), org.assertj.core.api.Assertions.within(1e-6));
        assertThatThrownBy(() -> Histograms.logBins(h, 0, 10, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
