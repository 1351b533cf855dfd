package io.cmbench.loadgen;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one publish run.
 *
 * @param records Kafka records acknowledged (a heartbeat counts once per partition)
 * @param bytes key + value bytes of those records
 * @param wallSeconds wall-clock time from the first send to the last acknowledgement
 * @param publishLatencyMicros send → broker acknowledgement, per record
 * @param publishDelayMicros intended send time → actual send, per event (LIVE mode only; empty in SIMULATION)
 */
public record PublishStats(
    long records, long bytes, double wallSeconds, Histogram publishLatencyMicros, Histogram publishDelayMicros) {

  public double recordsPerSecond() {
    return wallSeconds > 0 ? records / wallSeconds : 0.0;
  }

  /** Megabytes (10^6 bytes) per second. */
  public double megabytesPerSecond() {
    return wallSeconds > 0 ? bytes / 1e6 / wallSeconds : 0.0;
  }

  /** A multi-line human summary: throughput, latency and delay p50/p99/max. */
  public String summary() {
    return String.format(Locale.ROOT,
        "records %d in %.3f s: %.0f records/s, %.3f MB/s (%d bytes)%n"
            + "publish latency (send->ack) %s%n"
            + "publish delay (intended->sent) %s",
        records, wallSeconds, recordsPerSecond(), megabytesPerSecond(), bytes,
        percentiles(publishLatencyMicros), percentiles(publishDelayMicros));
  }

  static String percentiles(Histogram h) {
    if (h == null || h.getTotalCount() == 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "p50 %s  p99 %s  max %s  (n=%d)",
        micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(99)), micros(h.getMaxValue()),
        h.getTotalCount());
  }

  private static String micros(long us) {
    if (us < 1000) {
      return us + " us";
    }
    if (us < 1_000_000) {
      return String.format(Locale.ROOT, "%.2f ms", us / 1e3);
    }
    return String.format(Locale.ROOT, "%.3f s", us / 1e6);
  }

  @Override
  public String toString() {
    return summary();
  }
}
