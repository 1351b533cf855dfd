package io.cmbench.loadgen;

/**
 * SplitMix64 pseudo-random generator with portable sampling helpers.
 *
 * <p>Written out here (rather than using {@code java.util.Random}/{@code SplittableRandom}) so the
 * sequence, and every derived sample, is fixed by this source file alone: all transcendental
 * functions go through {@link StrictMath}, which gives bit-identical results on every JVM.
 */
final class Rng {
  private long state;

  Rng(long seed) {
    this.state = seed;
  }

  /** An independent stream for {@code (seed, streamId)}. */
  static Rng stream(long seed, long streamId) {
    return new Rng(mix(seed ^ mix(streamId + 0x5DEECE66DL)));
  }

  /** SplitMix64 / Stafford variant 13 finalizer: a good 64-bit mixing function. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Hash of several longs, order-sensitive. */
  static long hash(long... parts) {
    long h = 0x243F6A8885A308D3L;
    for (long p : parts) {
      h = mix(h ^ mix(p + 0x9E3779B97F4A7C15L));
    }
    return h;
  }

  /** Stable 64-bit hash of a string (independent of String.hashCode caching details). */
  static long hash(String s) {
    long h = 0xCBF29CE484222325L;
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001B3L;
    }
    return mix(h);
  }

  long nextLong() {
    return mix(state += 0x9E3779B97F4A7C15L);
  }

  /** Uniform in [0, 1). */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in (0, 1]: safe for logarithms. */
  double nextDoubleOpen() {
    return 1.0 - nextDouble();
  }

  /** Uniform integer in [0, bound). */
  int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be > 0");
    }
    // Lemire's multiply-shift; the tiny bias is irrelevant here but the result is deterministic.
    return (int) (((nextLong() >>> 32) * bound) >>> 32);
  }

  /** Uniform integer in [min, max] (inclusive). */
  long nextLongInclusive(long min, long max) {
    long span = max - min + 1;
    if (span <= 0) {
      return min + (long) (nextDouble() * (double) (max - min));
    }
    return min + Math.floorMod(nextLong(), span);
  }

  /** Exponential with mean 1. */
  double nextExponential() {
    return -StrictMath.log(nextDoubleOpen());
  }

  /** Standard normal (Box-Muller, no caching so each call consumes exactly two draws). */
  double nextGaussian() {
    double u1 = nextDoubleOpen();
    double u2 = nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
  }

  /** Gamma(shape, scale=1) by Marsaglia and Tsang, with the boost for shape &lt; 1. */
  double nextGamma(double shape) {
    if (shape < 1.0) {
      double g = nextGamma(shape + 1.0);
      return g * StrictMath.pow(nextDoubleOpen(), 1.0 / shape);
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / StrictMath.sqrt(9.0 * d);
    while (true) {
      double x = nextGaussian();
      double v = 1.0 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = nextDoubleOpen();
      if (StrictMath.log(u) < 0.5 * x * x + d - d * v + d * StrictMath.log(v)) {
        return d * v;
      }
    }
  }
}
