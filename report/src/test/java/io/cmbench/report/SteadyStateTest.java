package io.cmbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which windows are steady, drain, or beyond the drain — the rule the launcher's summary and the report share. */
class SteadyStateTest {
    private static final long S = 1_000_000L;

    /** Windows of 10 s from {@code fromSeconds} up to {@code toSeconds}, every one with completions, E2E up to 15 s. */
    private static List<SteadyState.Span> windows(long fromSeconds, long toSeconds) {
        List<SteadyState.Span> out = new ArrayList<>();
        for (long t = fromSeconds; t < toSeconds; t += 10) {
            out.add(new SteadyState.Span(t * S, (t + 10) * S, 100, 15 * S));
        }
        return out;
    }

    @Test
    void autoDrainLeavesOutTheWindowsAfterTheArrivals() {
        // arrivals 0-60 s, the pool drains until 80 s
        SteadyState s = SteadyState.of(windows(0, 80), 1, SteadyState.DRAIN_AUTO, 60 * S);
        assertThat(s).isEqualTo(new SteadyState(1, 6, 8));
        assertThat(s.beyondDrain(8)).isZero();
    }

    @Test
    void aRequestFinishingLongAfterTheDrainIsBeyondItAndShiftsNothing() {
        List<SteadyState.Span> ws = windows(0, 80);
        // one request of 1,000,000 output tokens, alone, at ~50,000 s
        ws.add(new SteadyState.Span(50_000 * S, 50_010 * S, 1, 50_000 * S));
        SteadyState auto = SteadyState.of(ws, 1, SteadyState.DRAIN_AUTO, 60 * S);
        assertThat(auto).isEqualTo(new SteadyState(1, 6, 8));
        assertThat(auto.beyondDrain(ws.size())).isEqualTo(1);
        // a counted drain counts the drain windows, not the far one: the steady state is where it was
        assertThat(SteadyState.of(ws, 1, 2, 60 * S)).isEqualTo(new SteadyState(1, 6, 8));
        assertThat(SteadyState.of(windows(0, 80), 1, 2, 60 * S)).isEqualTo(new SteadyState(1, 6, 8));
    }

    @Test
    void quietWindowsBeforeTheFarOneAreNotDrain() {
        List<SteadyState.Span> ws = windows(0, 80);
        ws.add(new SteadyState.Span(80 * S, 90 * S, 0, 0)); // a window that completed nothing (as a fixture writes it)
        ws.add(new SteadyState.Span(900 * S, 910 * S, 1, 900 * S));
        assertThat(SteadyState.of(ws, 1, 1, 60 * S)).isEqualTo(new SteadyState(1, 7, 8));
    }

    @Test
    void anOverloadedPoolDrainingItsBacklogWithoutAPauseIsDrainNotBeyond() {
        // arrivals end at 80 s; the backlog keeps the pool busy, window after window, until 1,800 s
        List<SteadyState.Span> ws = windows(0, 1_800);
        SteadyState s = SteadyState.of(ws, 2, 2, 80 * S);
        assertThat(s.kept()).isEqualTo(ws.size());
        assertThat(s).isEqualTo(new SteadyState(2, ws.size() - 2, ws.size()));
    }

    @Test
    void aPauseBeforeTheLongestLatencyHasPassedIsStillDrain() {
        // sparse traffic: nothing completes in 60-70 s, the last request (15 s like the others) in 70-80 s
        List<SteadyState.Span> ws = windows(0, 60);
        ws.add(new SteadyState.Span(70 * S, 80 * S, 1, 15 * S));
        assertThat(SteadyState.of(ws, 1, SteadyState.DRAIN_AUTO, 60 * S)).isEqualTo(new SteadyState(1, 6, 7));
    }

    @Test
    void withoutKnownArrivalsNothingIsBeyondAndAutoLeavesOutTheLastWindow() {
        List<SteadyState.Span> ws = windows(0, 80);
        ws.add(new SteadyState.Span(50_000 * S, 50_010 * S, 1, 50_000 * S));
        assertThat(SteadyState.of(ws, 1, SteadyState.DRAIN_AUTO, SteadyState.ARRIVALS_UNKNOWN))
                .isEqualTo(new SteadyState(1, 8, 9));
    }

    @Test
    void tooFewWindowsAreAllSteady() {
        assertThat(SteadyState.of(windows(0, 20), 1, 1, 10 * S)).isEqualTo(new SteadyState(0, 2, 2));
    }
}
