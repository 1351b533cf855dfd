package io.cmbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ArrivalProcessTest {
  private static final int N = 200_000;

  /** Mean and coefficient of variation of N inter-arrival gaps (micros). */
  private static double[] gapStats(ArrivalSpec spec, long seed) {
    ArrivalProcess p = spec.newProcess();
    Rng rng = Rng.stream(seed, 1);
    double prev = 0;
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < N; i++) {
      double t = p.next(rng);
      assertThat(t).isGreaterThanOrEqualTo(prev);
      double g = t - prev;
      sum += g;
      sumSq += g * g;
      prev = t;
    }
    double mean = sum / N;
    double var = sumSq / N - mean * mean;
    return new double[] {mean, Math.sqrt(Math.max(0, var)) / mean};
  }

  @Test
  void poissonHasMeanOneOverRateAndCvOne() {
    double[] s = gapStats(ArrivalSpec.poisson(100), 7);
    assertThat(s[0]).isCloseTo(10_000.0, within(10_000.0 * 0.01));
    assertThat(s[1]).isCloseTo(1.0, within(0.02));
  }

  @Test
  void constantHasExactGapsAndCvZero() {
    double[] s = gapStats(ArrivalSpec.constant(250), 7);
    assertThat(s[0]).isCloseTo(4_000.0, within(1e-6));
    assertThat(s[1]).isCloseTo(0.0, within(1e-6));
  }

  @Test
  void gammaBurstinessSetsCv() {
    for (double k : new double[] {0.25, 0.5, 1.0, 4.0}) {
      double[] s = gapStats(ArrivalSpec.gamma(50, k), 11);
      assertThat(s[0]).as("mean, k=%s", k).isCloseTo(20_000.0, within(20_000.0 * 0.02));
      assertThat(s[1]).as("cv, k=%s", k).isCloseTo(1.0 / Math.sqrt(k), within(0.04 / Math.sqrt(k)));
    }
  }

  @Test
  void onOffIsSilentDuringOffPeriodsAndHasTheDutyCycleRate() {
    long on = 2_000_000;
    long off = 3_000_000;
    ArrivalSpec spec = ArrivalSpec.onOff(100, on, off);
    ArrivalProcess p = spec.newProcess();
    Rng rng = Rng.stream(3, 1);
    double t = 0;
    int n = 0;
    while (true) {
      t = p.next(rng);
      if (t >= 1000e6) {
        break;
      }
      assertThat(t % (on + off)).as("arrival %s inside an on-period", t).isLessThan(on);
      n++;
    }
    double rate = n / 1000.0;
    assertThat(rate).isCloseTo(spec.meanRate(), within(spec.meanRate() * 0.03));
    assertThat(spec.meanRate()).isCloseTo(40.0, within(1e-9));
  }

  @Test
  void rampMatchesTheIntegratedRate() {
    // 0 -> 200 req/s over 100 s: expected counts per 10 s bin = integral of the rate.
    ArrivalSpec spec = ArrivalSpec.ramp(0, 200, 100_000_000);
    ArrivalProcess p = spec.newProcess();
    Rng rng = Rng.stream(5, 1);
    int[] bins = new int[12];
    double prev = 0;
    while (true) {
      double t = p.next(rng);
      assertThat(t).isGreaterThanOrEqualTo(prev);
      prev = t;
      int b = (int) (t / 10e6);
      if (b >= bins.length) {
        break;
      }
      bins[b]++;
    }
    for (int b = 0; b < 10; b++) {
      double expected = 2.0 * (b * 10 + 5) * 10; // rate at bin centre (2 req/s per s) * 10 s
      assertThat((double) bins[b]).as("bin %d", b)
          .isCloseTo(expected, within(4 * Math.sqrt(expected) + 1));
    }
    // After the ramp the rate stays at the end rate.
    assertThat((double) bins[10]).isCloseTo(2000.0, within(4 * Math.sqrt(2000.0)));
  }

  @Test
  void rampDownwards() {
    ArrivalSpec spec = ArrivalSpec.ramp(100, 10, 50_000_000);
    ArrivalProcess p = spec.newProcess();
    Rng rng = Rng.stream(9, 1);
    int first = 0;
    int second = 0;
    while (true) {
      double t = p.next(rng);
      if (t >= 50e6) {
        break;
      }
      if (t < 25e6) {
        first++;
      } else {
        second++;
      }
    }
    // integral 0..25 s: (100 + 55)/2*25 = 1937.5 ; 25..50 s: (55+10)/2*25 = 812.5
    assertThat((double) first).isCloseTo(1937.5, within(4 * Math.sqrt(1937.5)));
    assertThat((double) second).isCloseTo(812.5, within(4 * Math.sqrt(812.5)));
  }

  @Test
  void invalidParametersAreRejected() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ArrivalSpec.poisson(0))
        .hasMessageContaining("rate");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ArrivalSpec.gamma(1, -1))
        .hasMessageContaining("burstiness");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ArrivalSpec.onOff(1, 0, 1))
        .hasMessageContaining("on-period");
  }
}
