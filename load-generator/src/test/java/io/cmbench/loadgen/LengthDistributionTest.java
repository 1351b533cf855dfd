package io.cmbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LengthDistributionTest {
  private static double[] stats(LengthDistribution d, int n, int min, int max) {
    Rng rng = new Rng(123);
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      int v = d.sample(rng);
      assertThat(v).isBetween(min, max);
      sum += v;
      sumSq += (double) v * v;
    }
    double mean = sum / n;
    return new double[] {mean, Math.sqrt(sumSq / n - mean * mean)};
  }

  @Test
  void uniformIsInclusiveWithTheRightMean() {
    LengthDistribution d = new LengthDistribution.Uniform(10, 20);
    double[] s = stats(d, 100_000, 10, 20);
    assertThat(s[0]).isCloseTo(15.0, within(0.05));
    Rng rng = new Rng(1);
    boolean sawMin = false;
    boolean sawMax = false;
    for (int i = 0; i < 10_000; i++) {
      int v = d.sample(rng);
      sawMin |= v == 10;
      sawMax |= v == 20;
    }
    assertThat(sawMin && sawMax).isTrue();
  }

  @Test
  void normalIsClippedToItsRange() {
    double[] s = stats(new LengthDistribution.Normal(1000, 100, 1, 100_000), 100_000, 1, 100_000);
    assertThat(s[0]).isCloseTo(1000, within(2.0));
    assertThat(s[1]).isCloseTo(100, within(2.0));
    stats(new LengthDistribution.Normal(1000, 500, 900, 1100), 10_000, 900, 1100);
  }

  @Test
  void lognormalFromMeanAndStddev() {
    LengthDistribution.LogNormal d = LengthDistribution.LogNormal.ofMeanStddev(1024, 512, 1, 1 << 24);
    assertThat(d.mean()).isCloseTo(1024, within(1e-6));
    double[] s = stats(d, 200_000, 1, 1 << 24);
    assertThat(s[0]).isCloseTo(1024, within(1024 * 0.01));
    assertThat(s[1]).isCloseTo(512, within(512 * 0.03));
  }

  @Test
  void empiricalPicksBinsByWeight() {
    LengthDistribution d = new LengthDistribution.Empirical(List.of(
        new LengthDistribution.Bin(100, 100, 3), new LengthDistribution.Bin(1000, 2000, 1)));
    Rng rng = new Rng(5);
    int small = 0;
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      int v = d.sample(rng);
      if (v == 100) {
        small++;
      } else {
        assertThat(v).isBetween(1000, 2000);
      }
    }
    assertThat(small / (double) n).isCloseTo(0.75, within(0.01));
    assertThat(d.mean()).isCloseTo(0.75 * 100 + 0.25 * 1500, within(1e-9));
  }
}
