package io.cmbench.cli;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Shows a long-running phase's progress: a self-updating line on a terminal, a line every few seconds
 * otherwise (logs, CI).
 */
final class ProgressPrinter implements AutoCloseable {
    private final PrintStream out;
    private final String label;
    private final long total;
    private final LongSupplier done;
    private final boolean terminal = System.console() != null;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cmbench-progress");
        t.setDaemon(true);
        return t;
    });

    ProgressPrinter(PrintStream out, String label, long total, LongSupplier done) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.done = done;
        timer.scheduleAtFixedRate(this::print, terminal ? 500 : 5000, terminal ? 500 : 5000, TimeUnit.MILLISECONDS);
    }

    private void print() {
        long n;
        try {
            n = done.getAsLong();
        } catch (RuntimeException e) {
            return; // progress is best effort
        }
        String line = String.format("  %-12s %s %,d / %,d  (%.0f s)", label, bar(n), n, total, elapsedSeconds());
        if (terminal) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    private String bar(long n) {
        int width = 30;
        int filled = total <= 0 ? 0 : (int) Math.min(width, n * width / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (terminal) {
            out.print("\r" + " ".repeat(90) + "\r");
        }
        out.flush();
    }
}
