package io.cmbench.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.LatencyHistograms;
import io.cmbench.schemas.DieLoad;
import io.cmbench.schemas.LatencySummary;
import io.cmbench.schemas.SloResult;
import io.cmbench.schemas.SloWindow;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.HdrHistogram.Histogram;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

class SloMetricsTest {

    /** A metric group that keeps its gauges by path ("scenario=a/slo=tpot50/attainment"). */
    static final class Captured extends UnregisteredMetricsGroup {
        final String path;
        final Map<String, Gauge<?>> gauges;

        Captured(String path, Map<String, Gauge<?>> gauges) {
            this.path = path;
            this.gauges = gauges;
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new Captured(path + key + "=" + value + "/", gauges);
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            gauges.put(path + name, gauge);
            return gauge;
        }
    }

    private static LatencySummary latency(long p99) {
        return new LatencySummary(10L, p99 / 2, p99, p99, p99, p99, ByteBuffer.allocate(0));
    }

    private static SloWindow window(long startMicros, double outputPerNpu, double attainment) {
        return SloWindow.newBuilder().setScenario("a").setWindowStartMicros(startMicros).setWindowEndMicros(startMicros + 1)
                .setDecodeNpus(160).setPrefillNpus(96).setCompletedRequests(10).setOutputTokens(100).setPromptTokens(1000)
                .setOutputTokensPerSecPerNpu(outputPerNpu).setPrefillTokensPerSecPerNpu(0)
                .setSlos(new java.util.ArrayList<>(List.of(new SloResult("tpot50", 50_000L, -1L, 5L, 50L, outputPerNpu / 2, 5.0, attainment))))
                .setTtft(latency(2_000)).setTpot(latency(40_000)).setE2e(latency(90_000))
                .setDieLoad(new DieLoad(0, 0L, 0.0, 0L)).build();
    }

    @Test
    void gaugesKeepTheirValuesWhenTheRecordIsReusedUpstream() {
        SloMetrics m = new SloMetrics();
        m.open(null);
        Map<String, Gauge<?>> gauges = new TreeMap<>();
        SloWindow w = window(0, 1_900.0, 0.5);
        m.record(w, new Captured("", gauges));
        // with object reuse, the upstream operator writes the next window into the same instance
        w.setOutputTokensPerSecPerNpu(-1.0);
        w.getSlos().get(0).setAttainment(-1.0);
        w.setScenario("other");
        assertThat(gauges.get("scenario=a/outputTokensPerSecPerNpu").getValue()).isEqualTo(1_900.0);
        assertThat(gauges.get("scenario=a/slo=tpot50/attainment").getValue()).isEqualTo(0.5);
    }

    @Test
    void anOlderWindowFiredLateDoesNotMoveTheGaugesBack() {
        SloMetrics m = new SloMetrics();
        m.open(null);
        Map<String, Gauge<?>> gauges = new TreeMap<>();
        m.record(window(10_000_000, 1_800.0, 0.4), new Captured("", gauges));
        m.record(window(0, 100.0, 0.1), new Captured("", gauges));
        assertThat(gauges.get("scenario=a/outputTokensPerSecPerNpu").getValue()).isEqualTo(1_800.0);
        assertThat(gauges.get("scenario=a/tpotP99Micros").getValue()).isEqualTo(40_000L);
        assertThat(gauges.get("scenario=a/slo=tpot50/goodputTokensPerSecPerNpu").getValue()).isEqualTo(900.0);
    }

    /** 1..100 ms in 1 ms steps, scaled: p50, p90 and p99 fall on distinct recorded values. */
    private static LatencySummary uniformMillis(long scale) {
        Histogram h = LatencyHistograms.newHistogram();
        for (long ms = 1; ms <= 100; ms++) {
            h.recordValue(ms * 1_000 * scale);
        }
        return LatencyHistograms.summary(h);
    }

    @Test
    void percentileAndPrefillGaugesCarryTheLatestWindowsHistogramPercentiles() {
        SloMetrics m = new SloMetrics();
        m.open(null);
        Map<String, Gauge<?>> gauges = new TreeMap<>();
        SloWindow w = window(0, 1_900.0, 0.5);
        w.setTpot(uniformMillis(1));
        w.setTtft(uniformMillis(10));
        w.setPrefillTokensPerSecPerNpu(6_000.0);
        m.record(w, new Captured("", gauges));

        // HdrHistogram at 3 significant digits: each recorded value is its own bucket here, so the
        // percentiles are the recorded values 50, 90 and 99 ms (x10 for TTFT), up to the bucket's width.
        assertThat((Long) gauges.get("scenario=a/tpotP50Micros").getValue()).isBetween(50_000L, 50_050L);
        assertThat((Long) gauges.get("scenario=a/tpotP90Micros").getValue()).isBetween(90_000L, 90_090L);
        assertThat((Long) gauges.get("scenario=a/tpotP99Micros").getValue()).isBetween(99_000L, 99_099L);
        assertThat((Long) gauges.get("scenario=a/ttftP50Micros").getValue()).isBetween(500_000L, 500_500L);
        assertThat((Long) gauges.get("scenario=a/ttftP90Micros").getValue()).isBetween(900_000L, 900_900L);
        assertThat((Long) gauges.get("scenario=a/ttftP99Micros").getValue()).isBetween(990_000L, 990_990L);
        assertThat(gauges.get("scenario=a/prefillTokensPerSecPerNpu").getValue()).isEqualTo(6_000.0);

        // the next window replaces every one of them
        SloWindow next = window(1_000_000, 1_800.0, 0.4);
        next.setTpot(uniformMillis(2));
        next.setTtft(uniformMillis(20));
        m.record(next, new Captured("", gauges));
        assertThat((Long) gauges.get("scenario=a/tpotP50Micros").getValue()).isBetween(100_000L, 100_100L);
        assertThat((Long) gauges.get("scenario=a/ttftP90Micros").getValue()).isBetween(1_800_000L, 1_801_800L);
        assertThat(gauges.get("scenario=a/prefillTokensPerSecPerNpu").getValue()).isEqualTo(0.0);
    }
}
