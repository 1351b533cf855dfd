package io.cmbench.report;

import java.util.List;

/**
 * Which of a scenario's windows form its steady state (docs/METRICS.md, "Run summary") — the one place the launcher's
 * summary and the report decide it.
 *
 * <p>Sorted by start, the windows are: {@code warmup} windows while the system fills, the steady state, the drain
 * windows once arrivals have stopped, and possibly windows <em>beyond the drain</em>: completions of requests still
 * decoding when everything that arrived should have finished. Those are the windows that start after the run's
 * arrivals end plus the longest end-to-end latency seen while arrivals went on, after the pool went quiet (a window
 * with no completion): a backlog that drains without a pause (an overloaded pool) stays drain. Beyond-drain windows
 * count neither as steady nor as drain windows, so one very long request (say, 1,000,000 output tokens) cannot
 * stretch or shift the steady state; the summary reports them instead.
 *
 * @param from index of the first steady window
 * @param to index after the last steady window
 * @param kept windows up to the end of the drain; {@code kept .. size-1} are beyond it
 */
public record SteadyState(int from, int to, int kept) {

    /** {@code drain}: every window that starts once arrivals have stopped. */
    public static final int DRAIN_AUTO = -1;
    /** {@code arrivalsEndMicros} of a run whose arrivals are not known (e.g. windows read from a topic). */
    public static final long ARRIVALS_UNKNOWN = -1;

    /** What the rule needs of a window: its span, whether anything completed in it, its longest E2E latency. */
    public record Span(long startMicros, long endMicros, long completedRequests, long maxE2eMicros) {}

    /**
     * @param windows one scenario's windows, sorted by start
     * @param warmup windows left out at the start
     * @param drain windows left out at the end (of those up to the drain's end), or {@link #DRAIN_AUTO}
     * @param arrivalsEndMicros the run's last arrival, or {@link #ARRIVALS_UNKNOWN} (then nothing is beyond the drain
     *     and {@code DRAIN_AUTO} leaves out the last window)
     */
    public static SteadyState of(List<Span> windows, int warmup, int drain, long arrivalsEndMicros) {
        int n = windows.size();
        int kept = n;
        if (arrivalsEndMicros >= 0) {
            long longest = 0;
            for (Span w : windows) {
                if (w.startMicros() < arrivalsEndMicros) {
                    longest = Math.max(longest, w.maxE2eMicros());
                }
            }
            if (longest > 0) {
                long horizon = saturatedAdd(arrivalsEndMicros, longest);
                for (int i = 1; i < n; i++) {
                    Span w = windows.get(i);
                    Span previous = windows.get(i - 1);
                    boolean quietBefore = w.startMicros() > previous.endMicros() || previous.completedRequests() == 0;
                    if (w.startMicros() >= horizon && quietBefore) {
                        kept = i;
                        break;
                    }
                }
                while (kept < n && kept > 1 && windows.get(kept - 1).completedRequests() == 0) {
                    kept--; // the quiet windows before the cut are not part of the drain
                }
            }
        }
        int drained;
        if (drain != DRAIN_AUTO) {
            drained = drain;
        } else if (arrivalsEndMicros >= 0) {
            drained = 0;
            for (int i = 0; i < kept; i++) {
                if (windows.get(i).startMicros() >= arrivalsEndMicros) {
                    drained++;
                }
            }
        } else {
            drained = 1;
        }
        if (kept > warmup + drained) {
            return new SteadyState(warmup, kept - drained, kept);
        }
        return new SteadyState(0, kept, kept); // too few windows to leave any out: all of them
    }

    /** Windows beyond the drain (their requests were still decoding when the drain windows ended). */
    public int beyondDrain(int windows) {
        return windows - kept;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
