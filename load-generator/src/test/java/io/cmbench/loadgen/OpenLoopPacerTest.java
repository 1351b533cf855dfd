package io.cmbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenLoopPacerTest {
  /** A manual clock: sleeping advances it exactly; {@code work} simulates time spent sending. */
  static class FakeClock implements OpenLoopPacer.Clock {
    long now = 1_000_000_000L;
    final List<Long> sleeps = new ArrayList<>();

    @Override
    public synchronized long nanoTime() {
      return now;
    }

    @Override
    public synchronized long currentTimeMillis() {
      return 1_700_000_000_000L + now / 1_000_000;
    }

    @Override
    public synchronized void sleepNanos(long nanos) {
      sleeps.add(nanos);
      now += nanos;
    }

    synchronized void work(long nanos) {
      now += nanos;
    }
  }

  @Test
  void scheduleIsStartPlusSimulatedTimeOverSpeed() {
    FakeClock clock = new FakeClock();
    OpenLoopPacer pacer = new OpenLoopPacer(2.0, clock);
    pacer.start();
    long start = clock.now;
    assertThat(pacer.intendedNanos(0)).isEqualTo(start);
    assertThat(pacer.intendedNanos(1_000_000)).isEqualTo(start + 500_000_000L);
    assertThat(pacer.intendedNanos(3)).isEqualTo(start + 1_500L);
  }

  @Test
  void waitsUntilTheIntendedTimeWhenAhead() throws Exception {
    FakeClock clock = new FakeClock();
    OpenLoopPacer pacer = new OpenLoopPacer(1.0, clock);
    pacer.start();
    long start = clock.now;
    assertThat(pacer.awaitSendTime(10_000)).isZero();
    assertThat(clock.now).isEqualTo(start + 10_000_000L);
    assertThat(pacer.awaitSendTime(10_000)).isZero(); // same time: no wait
    assertThat(clock.sleeps).containsExactly(10_000_000L);
  }

  @Test
  void openLoopNeverReBasesWhenBehindAndReportsTheDelay() throws Exception {
    FakeClock clock = new FakeClock();
    OpenLoopPacer pacer = new OpenLoopPacer(1.0, clock);
    pacer.start();
    long start = clock.now;
    // events every 1 ms; sending each takes 3 ms -> the generator falls behind by 2 ms per event
    long[] delays = new long[5];
    for (int i = 0; i < 5; i++) {
      delays[i] = pacer.awaitSendTime(i * 1000L);
      clock.work(3_000_000L);
    }
    assertThat(delays).containsExactly(0L, 2_000_000L, 4_000_000L, 6_000_000L, 8_000_000L);
    // A later event whose time has not come yet is waited for against the ORIGINAL schedule.
    assertThat(clock.now).isEqualTo(start + 15_000_000L);
    assertThat(pacer.awaitSendTime(20_000)).isZero();
    assertThat(clock.now).isEqualTo(start + 20_000_000L);
  }

  @Test
  void sleepingEarlyIsRetried() throws Exception {
    FakeClock clock = new FakeClock() {
      @Override
      public synchronized void sleepNanos(long nanos) {
        sleeps.add(nanos);
        now += Math.max(1, nanos / 2); // wakes up early
      }
    };
    OpenLoopPacer pacer = new OpenLoopPacer(1.0, clock);
    pacer.start();
    long start = clock.now;
    assertThat(pacer.awaitSendTime(1_000)).isZero();
    assertThat(clock.now).isEqualTo(start + 1_000_000L);
    assertThat(clock.sleeps.size()).isGreaterThan(1);
  }

  @Test
  void rejectsBadSpeed() {
    assertThatThrownBy(() -> new OpenLoopPacer(0, new FakeClock())).hasMessageContaining("speed");
    assertThatThrownBy(() -> new OpenLoopPacer(Double.NaN, new FakeClock())).hasMessageContaining("speed");
  }
}
