package io.cmbench.loadgen;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar on a terminal stream (carriage return, redrawn at most 4 times a second). */
public final class ConsoleProgressBar implements ProgressListener {
  private static final int WIDTH = 30;
  private final PrintWriter out;
  private final long totalSimMicros;
  private final long startNanos = System.nanoTime();
  private long lastDrawNanos;
  private boolean drawn;

  /** @param totalSimMicros length of the simulated span, or {@code Long.MAX_VALUE} if unknown */
  public ConsoleProgressBar(PrintWriter out, long totalSimMicros) {
    this.out = out;
    this.totalSimMicros = totalSimMicros;
  }

  @Override
  public void onProgress(long recordsSent, long simulatedMicros) {
    long now = System.nanoTime();
    if (drawn && now - lastDrawNanos < 250_000_000L) {
      return;
    }
    lastDrawNanos = now;
    drawn = true;
    double wall = (now - startNanos) / 1e9;
    StringBuilder sb = new StringBuilder("\r");
    if (totalSimMicros > 0 && totalSimMicros != Long.MAX_VALUE) {
      double frac = Math.min(1.0, Math.max(0.0, simulatedMicros / (double) totalSimMicros));
      int filled = (int) Math.round(frac * WIDTH);
      sb.append('[').append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ");
      sb.append(String.format(Locale.ROOT, "%3.0f%%  sim %.1f/%.1f s", frac * 100, simulatedMicros / 1e6,
          totalSimMicros / 1e6));
    } else {
      sb.append(String.format(Locale.ROOT, "sim %.1f s", simulatedMicros / 1e6));
    }
    sb.append(String.format(Locale.ROOT, "  %d records  %.0f rec/s  ", recordsSent,
        wall > 0 ? recordsSent / wall : 0.0));
    out.print(sb);
    out.flush();
  }

  /** Ends the line (call after the run). */
  public void finish() {
    if (drawn) {
      out.println();
      out.flush();
    }
  }
}
