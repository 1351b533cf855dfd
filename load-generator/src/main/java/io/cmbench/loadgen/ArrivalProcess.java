package io.cmbench.loadgen;

/** Stateful generator of successive arrival times (simulated microseconds, non-decreasing). */
final class ArrivalProcess {
  private final ArrivalSpec spec;
  private final double meanGapMicros;
  /** Time of the last arrival; for ON_OFF the accumulated on-time instead. */
  private double t;

  ArrivalProcess(ArrivalSpec spec) {
    this.spec = spec;
    this.meanGapMicros = 1e6 / spec.rate();
  }

  /** The next arrival time in microseconds (as a double; callers floor it). */
  double next(Rng rng) {
    switch (spec.kind()) {
      case POISSON -> {
        t += meanGapMicros * rng.nextExponential();
        return t;
      }
      case CONSTANT -> {
        t += meanGapMicros;
        return t;
      }
      case GAMMA -> {
        double k = spec.burstiness();
        t += rng.nextGamma(k) * meanGapMicros / k;
        return t;
      }
      case ON_OFF -> {
        // t accumulates "on" time only; map it onto the on/off timeline.
        t += meanGapMicros * rng.nextExponential();
        double on = spec.onMicros();
        double period = on + spec.offMicros();
        double cycles = StrictMath.floor(t / on);
        return cycles * period + (t - cycles * on);
      }
      case RAMP -> {
        return t = nextRamp(rng.nextExponential());
      }
      default -> throw new IllegalStateException(spec.kind().toString());
    }
  }

  /**
   * Inverts the cumulative intensity. With rate r(s) = r0 + (r1 - r0) s / T (per microsecond) for
   * s &lt; T and r1 after, find x &gt; t with Lambda(x) - Lambda(t) = e.
   */
  private double nextRamp(double e) {
    double r0 = spec.startRate() / 1e6;
    double r1 = spec.rate() / 1e6;
    double ramp = spec.rampMicros();
    double target = cumulative(t, r0, r1, ramp) + e;
    double atEnd = cumulative(ramp, r0, r1, ramp);
    if (target >= atEnd) {
      return ramp + (target - atEnd) / r1;
    }
    // Solve a/2 x^2 + r0 x - target = 0 for x in [0, ramp], a = (r1 - r0)/ramp.
    double a = (r1 - r0) / ramp;
    if (Math.abs(a) < 1e-300) {
      return target / r0;
    }
    double disc = r0 * r0 + 2.0 * a * target;
    // Numerically stable root: x = 2 target / (r0 + sqrt(disc)).
    return 2.0 * target / (r0 + StrictMath.sqrt(Math.max(0.0, disc)));
  }

  private static double cumulative(double x, double r0, double r1, double ramp) {
    if (x <= ramp) {
      return r0 * x + (r1 - r0) * x * x / (2.0 * ramp);
    }
    return r0 * ramp + (r1 - r0) * ramp / 2.0 + r1 * (x - ramp);
  }
}
