package io.cmbench.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C during a live run: the first one asks the run to stop (it drains, then prints its summary and report as at
 * the end of its duration); a second one quits at once, through the usual shutdown hooks ({@link RunCleanup}).
 *
 * <p>A signal handler rather than a shutdown hook: hooks run once the JVM is already exiting, all at the same time —
 * RunCleanup's would stop the broker under the drain, and nothing could keep the JVM alive to write the report.
 */
final class CtrlC implements AutoCloseable {
    private static final Signal INT = new Signal("INT");

    private final AtomicBoolean pressed = new AtomicBoolean();
    private final SignalHandler previous;

    CtrlC(PrintStream err) {
        this.previous = Signal.handle(INT, sig -> {
            if (pressed.getAndSet(true)) {
                System.exit(130); // the second Ctrl-C: the shutdown hooks clean up
            }
            err.println("cmbench: stopping: the generator stops, the jobs drain, then the summary (Ctrl-C again to quit now)");
            err.flush();
        });
    }

    /** Set by the first Ctrl-C. */
    AtomicBoolean pressed() {
        return pressed;
    }

    @Override
    public void close() {
        Signal.handle(INT, previous);
    }
}
