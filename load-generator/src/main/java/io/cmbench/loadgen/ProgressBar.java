package io.cmbench.loadgen;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * cmbench's one progress display for long-running phases (generate, emulate, ...): a self-updating line on a
 * terminal, a line every few seconds otherwise (logs, CI). It polls {@code done} from its own daemon thread, so the
 * work never waits for the display.
 */
public final class ProgressBar implements AutoCloseable {
  private static final int WIDTH = 30;
  private final PrintWriter out;
  private final String label;
  private final long total;
  private final String unit;
  private final LongSupplier done;
  private final Supplier<String> detail;
  private final boolean terminal;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "cmbench-progress");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param total the amount of work, in {@code unit}s ({@code <= 0} or {@code Long.MAX_VALUE}: unknown, no bar)
   * @param done the work done so far (read from the display's thread)
   * @param detail appended to each line (e.g. a rate); may be null
   */
  public ProgressBar(PrintWriter out, String label, long total, String unit, LongSupplier done, Supplier<String> detail) {
    this(out, label, total, unit, done, detail, System.console() != null);
  }

  ProgressBar(PrintWriter out, String label, long total, String unit, LongSupplier done, Supplier<String> detail,
              boolean terminal) {
    this.out = out;
    this.label = label;
    this.total = total;
    this.unit = unit;
    this.done = done;
    this.detail = detail;
    this.terminal = terminal;
    long periodMillis = terminal ? 500 : 5000;
    timer.scheduleAtFixedRate(this::print, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  private void print() {
    String line;
    try {
      line = line(done.getAsLong());
    } catch (RuntimeException e) {
      return; // progress is best effort
    }
    if (terminal) {
      out.print("\r" + line);
    } else {
      out.println(line);
    }
    out.flush();
  }

  String line(long n) {
    boolean known = total > 0 && total != Long.MAX_VALUE;
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-10s ", label));
    if (known) {
      int filled = (int) Math.min(WIDTH, Math.max(0, n) * WIDTH / total);
      sb.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
      sb.append(String.format(Locale.ROOT, "%,d / %,d %s", n, total, unit));
    } else {
      sb.append(String.format(Locale.ROOT, "%,d %s", n, unit));
    }
    sb.append(String.format(Locale.ROOT, "  (%.0f s)", (System.nanoTime() - startNanos) / 1e9));
    String d = detail == null ? null : detail.get();
    if (d != null && !d.isEmpty()) {
      sb.append("  ").append(d);
    }
    return sb.toString();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    if (terminal) {
      out.print("\r" + " ".repeat(100) + "\r");
    }
    out.flush();
  }
}
