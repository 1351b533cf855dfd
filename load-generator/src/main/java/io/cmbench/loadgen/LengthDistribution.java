package io.cmbench.loadgen;

import java.util.List;

/**
 * A distribution of token counts (prompt or output length). All samples are integers &ge; 1
 * (fixed values may be 0 for outputs only when explicitly requested).
 */
public sealed interface LengthDistribution
    permits LengthDistribution.Fixed, LengthDistribution.Uniform, LengthDistribution.Normal,
        LengthDistribution.LogNormal, LengthDistribution.Empirical {

  int sample(Rng rng);

  /** Approximate mean (exact for fixed, uniform and empirical; unclipped for normal/lognormal). */
  double mean();

  static LengthDistribution fixed(int value) {
    return new Fixed(value);
  }

  /** Always {@code value}. */
  record Fixed(int value) implements LengthDistribution {
    public Fixed {
      if (value < 0) {
        throw new IllegalArgumentException("fixed length must be >= 0, got " + value);
      }
    }

    @Override
    public int sample(Rng rng) {
      return value;
    }

    @Override
    public double mean() {
      return value;
    }
  }

  /** Uniform integer in [min, max], both inclusive. */
  record Uniform(int min, int max) implements LengthDistribution {
    public Uniform {
      if (min < 0 || max < min) {
        throw new IllegalArgumentException("uniform needs 0 <= min <= max, got min=" + min + " max=" + max);
      }
    }

    @Override
    public int sample(Rng rng) {
      return (int) rng.nextLongInclusive(min, max);
    }

    @Override
    public double mean() {
      return (min + (double) max) / 2.0;
    }
  }

  /** Normal(mean, stddev), rounded and clamped to [min, max]. */
  record Normal(double mean, double stddev, int min, int max) implements LengthDistribution {
    public Normal {
      if (!(stddev >= 0) || min < 0 || max < min) {
        throw new IllegalArgumentException("normal needs stddev >= 0 and 0 <= min <= max");
      }
    }

    @Override
    public int sample(Rng rng) {
      return clamp(StrictMath.rint(mean + stddev * rng.nextGaussian()), min, max);
    }
  }

  /**
   * Lognormal with log-space parameters {@code mu} and {@code sigma}, rounded and clamped to
   * [min, max]. {@link #ofMeanStddev} builds it from the mean and standard deviation of the
   * lengths themselves.
   */
  record LogNormal(double mu, double sigma, int min, int max) implements LengthDistribution {
    public LogNormal {
      if (!(sigma >= 0) || !Double.isFinite(mu) || min < 0 || max < min) {
        throw new IllegalArgumentException("lognormal needs finite mu, sigma >= 0 and 0 <= min <= max");
      }
    }

    public static LogNormal ofMeanStddev(double mean, double stddev, int min, int max) {
      if (!(mean > 0) || !(stddev >= 0)) {
        throw new IllegalArgumentException("lognormal needs mean > 0 and stddev >= 0");
      }
      double s2 = StrictMath.log(1.0 + (stddev / mean) * (stddev / mean));
      return new LogNormal(StrictMath.log(mean) - s2 / 2.0, StrictMath.sqrt(s2), min, max);
    }

    @Override
    public int sample(Rng rng) {
      return clamp(StrictMath.rint(StrictMath.exp(mu + sigma * rng.nextGaussian())), min, max);
    }

    @Override
    public double mean() {
      return StrictMath.exp(mu + sigma * sigma / 2.0);
    }
  }

  /** One histogram bin: uniform integer in [min, max] with relative weight. */
  record Bin(int min, int max, double weight) {
    public Bin {
      if (min < 0 || max < min || !(weight > 0) || !Double.isFinite(weight)) {
        throw new IllegalArgumentException("bin needs 0 <= min <= max and weight > 0");
      }
    }
  }

  /** Empirical histogram: pick a bin by weight, then a uniform integer inside it. */
  record Empirical(List<Bin> bins) implements LengthDistribution {
    public Empirical {
      if (bins.isEmpty()) {
        throw new IllegalArgumentException("empirical histogram needs at least one bin");
      }
      bins = List.copyOf(bins);
    }

    @Override
    public int sample(Rng rng) {
      double total = 0;
      for (Bin b : bins) {
        total += b.weight();
      }
      double u = rng.nextDouble() * total;
      Bin chosen = bins.get(bins.size() - 1);
      for (Bin b : bins) {
        if (u < b.weight()) {
          chosen = b;
          break;
        }
        u -= b.weight();
      }
      return (int) rng.nextLongInclusive(chosen.min(), chosen.max());
    }

    @Override
    public double mean() {
      double total = 0;
      double sum = 0;
      for (Bin b : bins) {
        total += b.weight();
        sum += b.weight() * (b.min() + (double) b.max()) / 2.0;
      }
      return sum / total;
    }
  }

  private static int clamp(double v, int min, int max) {
    if (!(v >= min)) {
      return min;
    }
    if (v > max) {
      return max;
    }
    return (int) v;
  }
}
