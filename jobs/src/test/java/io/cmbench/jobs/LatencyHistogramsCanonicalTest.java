package io.cmbench.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyHistogramsCanonicalTest {

    @Test
    void sameValuesEncodeToTheSameBytesWhateverTheHistogramsHistory() {
        Histogram grown = LatencyHistograms.newHistogram();
        grown.recordValue(10);
        grown.recordValue(90_000_000L); // auto-resizes far beyond what the final values need
        grown.reset();
        grown.recordValue(1_500);
        grown.recordValueWithCount(40_000, 3);

        Histogram fresh = LatencyHistograms.newHistogram();
        fresh.recordValueWithCount(40_000, 3);
        fresh.recordValue(1_500);
        assertThat(grown.getHighestTrackableValue()).isNotEqualTo(fresh.getHighestTrackableValue());

        Histogram restored = LatencyHistograms.decode(LatencyHistograms.encode(grown));
        assertThat(LatencyHistograms.encode(grown)).isEqualTo(LatencyHistograms.encode(fresh))
                .isEqualTo(LatencyHistograms.encode(restored));
        assertThat(restored.getTotalCount()).isEqualTo(4);
        assertThat(restored.getValueAtPercentile(100)).isEqualTo(fresh.getValueAtPercentile(100));
    }
}
