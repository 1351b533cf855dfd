package io.cmbench.jobs.analytics;

import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * One subtask's running totals for one (scenario, window): what {@link LocalWindowAggregator} sends to the keyed
 * window stage instead of every completion. Partials of the same window merge exactly (counts, sums, histograms),
 * so how completions were split into partials never shows in the result.
 */
@TypeInfo(WindowPartialSerializer.Factory.class)
public final class WindowPartial {
    public final long windowStartMicros;
    public final long windowEndMicros;
    public final WindowAccumulator totals;

    public WindowPartial(long windowStartMicros, long windowEndMicros, WindowAccumulator totals) {
        this.windowStartMicros = windowStartMicros;
        this.windowEndMicros = windowEndMicros;
        this.totals = Objects.requireNonNull(totals);
    }

    public TimeWindow window() {
        return new TimeWindow(windowStartMicros, windowEndMicros);
    }

    public String scenario() {
        return totals.scenario;
    }
}
