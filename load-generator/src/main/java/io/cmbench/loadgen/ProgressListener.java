package io.cmbench.loadgen;

/** Called by the publisher's sending thread, throttled (a few times per second) and once at the end. */
@FunctionalInterface
public interface ProgressListener {
  /**
   * @param recordsSent Kafka records handed to the producer so far (heartbeats count once per partition)
   * @param simulatedMicros arrival time of the last event sent
   */
  void onProgress(long recordsSent, long simulatedMicros);

  static ProgressListener none() {
    return (records, micros) -> { };
  }
}
