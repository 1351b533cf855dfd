package io.cmbench.cli;

import io.cmbench.schemas.SloWindow;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The windows of a live run as they close: each printed as one row of the per-window table the first time it appears
 * on the live windows topic, with the wall-clock time it appeared (a window re-fired by a late completion is not
 * printed again). A record that is not a window is counted, not printed.
 */
final class LiveWindows implements TopicTail.Handler {
    /** One window's first appearance: {@code seenMillis} is wall-clock epoch milliseconds. */
    record Appearance(String scenario, long windowStartMicros, long windowEndMicros, long seenMillis) {}

    private final PrintStream out;
    private final List<String> sloNames;
    private final Set<String> seen = new HashSet<>();
    private final List<Appearance> appearances = new ArrayList<>();
    private long undecodable;

    LiveWindows(PrintStream out, List<String> sloNames) {
        this.out = out;
        this.sloNames = sloNames;
    }

    @Override
    public synchronized void accept(byte[] value, long seenMillis) {
        SloWindow w;
        try {
            w = SloWindow.fromByteBuffer(ByteBuffer.wrap(value));
        } catch (Exception e) {
            undecodable++;
            return;
        }
        if (!seen.add(w.getScenario() + "@" + w.getWindowStartMicros())) {
            return;
        }
        if (appearances.isEmpty() && out != null) {
            out.println(SummaryTable.windowHeader(sloNames));
        }
        appearances.add(new Appearance(w.getScenario(), w.getWindowStartMicros(), w.getWindowEndMicros(), seenMillis));
        if (out != null) {
            out.println(SummaryTable.windowRow(w, sloNames));
            out.flush();
        }
    }

    /** Every window seen so far, in the order they appeared. */
    synchronized List<Appearance> appearances() {
        return List.copyOf(appearances);
    }

    synchronized long undecodable() {
        return undecodable;
    }
}
