package io.cmbench.jobs.analytics;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Merges the partials of one (scenario, window) into its totals. */
public final class MergePartials implements AggregateFunction<WindowPartial, WindowAccumulator, WindowAccumulator> {
    private static final long serialVersionUID = 1L;
    private final int slos;

    public MergePartials(int slos) {
        this.slos = slos;
    }

    @Override public WindowAccumulator createAccumulator() { return new WindowAccumulator(slos); }
    @Override public WindowAccumulator add(WindowPartial p, WindowAccumulator a) { return a.mergeFrom(p.totals); }
    @Override public WindowAccumulator getResult(WindowAccumulator a) { return a; }
    @Override public WindowAccumulator merge(WindowAccumulator a, WindowAccumulator b) { return a.mergeFrom(b); }
}
