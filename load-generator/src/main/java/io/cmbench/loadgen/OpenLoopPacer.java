package io.cmbench.loadgen;

import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop rate control for LIVE mode. Each event has an intended send time, fixed in advance:
 * {@code start + simulatedMicros / speed}. The pacer waits until that time; if the sender is
 * behind, it sends at once and reports the delay. It never re-bases the schedule or skips
 * events, so generator lag shows up as publish delay instead of silently lowering the rate.
 */
public final class OpenLoopPacer {
  /** Time source, injectable for tests. */
  public interface Clock {
    long nanoTime();

    long currentTimeMillis();

    /** Blocks for about {@code nanos} (may return early or late). */
    void sleepNanos(long nanos) throws InterruptedException;

    Clock SYSTEM = new Clock() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public long currentTimeMillis() {
        return System.currentTimeMillis();
      }

      @Override
      public void sleepNanos(long nanos) throws InterruptedException {
        LockSupport.parkNanos(nanos);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
    };
  }

  private final double speed;
  private final Clock clock;
  private long startNanos;
  private boolean started;

  /** @param speed wall-clock speed-up: 2 sends a 60 s workload in 30 s */
  public OpenLoopPacer(double speed, Clock clock) {
    if (!(speed > 0) || !Double.isFinite(speed)) {
      throw new IllegalArgumentException("speed must be a finite number > 0, got " + speed);
    }
    this.speed = speed;
    this.clock = clock;
  }

  /** Starts the schedule now: simulated time 0 maps to this instant. */
  public void start() {
    startNanos = clock.nanoTime();
    started = true;
  }

  public double speed() {
    return speed;
  }

  /** Intended send time (clock nanos) of an event at {@code simulatedMicros}. */
  public long intendedNanos(long simulatedMicros) {
    if (!started) {
      throw new IllegalStateException("start() first");
    }
    return startNanos + (long) StrictMath.rint(simulatedMicros * 1000.0 / speed);
  }

  /**
   * Waits until the intended send time of an event at {@code simulatedMicros} and returns the
   * delay (actual − intended, nanos, &ge; 0).
   */
  public long awaitSendTime(long simulatedMicros) throws InterruptedException {
    long intended = intendedNanos(simulatedMicros);
    long now = clock.nanoTime();
    while (now < intended) {
      clock.sleepNanos(intended - now);
      now = clock.nanoTime();
    }
    return now - intended;
  }
}
