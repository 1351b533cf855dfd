package io.cmbench.loadgen;

/**
 * An arrival process: when requests arrive, in simulated microseconds from the start of the run.
 *
 * <ul>
 *   <li>{@code POISSON}: exponential inter-arrival times at {@code rate} requests/s (CV = 1).
 *   <li>{@code CONSTANT}: exactly one request every {@code 1/rate} s (CV = 0).
 *   <li>{@code GAMMA}: gamma inter-arrival times with mean {@code 1/rate} and shape {@code
 *       burstiness} (the vLLM benchmark convention): CV = 1/sqrt(burstiness); 1 is Poisson, &lt; 1
 *       is burstier, &gt; 1 is smoother.
 *   <li>{@code ON_OFF}: Poisson at {@code rate} during on-periods of {@code onMicros}, silence for
 *       {@code offMicros}, repeating; the run starts with an on-period.
 *   <li>{@code RAMP}: non-homogeneous Poisson whose rate rises (or falls) linearly from {@code
 *       startRate} to {@code rate} over {@code rampMicros}, then stays at {@code rate}.
 * </ul>
 */
public record ArrivalSpec(
    Kind kind, double rate, double burstiness, long onMicros, long offMicros, double startRate,
    long rampMicros) {

  public enum Kind { POISSON, CONSTANT, GAMMA, ON_OFF, RAMP }

  public ArrivalSpec {
    if (kind == null) {
      throw new IllegalArgumentException("arrival kind is required");
    }
    requirePositive("rate", rate);
    switch (kind) {
      case GAMMA -> requirePositive("burstiness", burstiness);
      case ON_OFF -> {
        if (onMicros <= 0) {
          throw new IllegalArgumentException("on-period must be > 0, got " + onMicros + " us");
        }
        if (offMicros < 0) {
          throw new IllegalArgumentException("off-period must be >= 0, got " + offMicros + " us");
        }
      }
      case RAMP -> {
        if (!(startRate >= 0) || !Double.isFinite(startRate)) {
          throw new IllegalArgumentException("startRate must be >= 0, got " + startRate);
        }
        if (rampMicros <= 0) {
          throw new IllegalArgumentException("ramp duration must be > 0, got " + rampMicros + " us");
        }
      }
      default -> { }
    }
  }

  private static void requirePositive(String name, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(name + " must be a finite number > 0, got " + v);
    }
  }

  public static ArrivalSpec poisson(double rate) {
    return new ArrivalSpec(Kind.POISSON, rate, 1.0, 0, 0, 0, 0);
  }

  public static ArrivalSpec constant(double rate) {
    return new ArrivalSpec(Kind.CONSTANT, rate, 0, 0, 0, 0, 0);
  }

  public static ArrivalSpec gamma(double rate, double burstiness) {
    return new ArrivalSpec(Kind.GAMMA, rate, burstiness, 0, 0, 0, 0);
  }

  /** Poisson at {@code rateWhileOn} during on-periods, nothing during off-periods. */
  public static ArrivalSpec onOff(double rateWhileOn, long onMicros, long offMicros) {
    return new ArrivalSpec(Kind.ON_OFF, rateWhileOn, 1.0, onMicros, offMicros, 0, 0);
  }

  /** Linear ramp from {@code startRate} to {@code endRate} over {@code rampMicros}. */
  public static ArrivalSpec ramp(double startRate, double endRate, long rampMicros) {
    return new ArrivalSpec(Kind.RAMP, endRate, 1.0, 0, 0, startRate, rampMicros);
  }

  /** Long-run mean rate in requests/s (for a ramp: the final rate). */
  public double meanRate() {
    return switch (kind) {
      case ON_OFF -> rate * onMicros / (double) (onMicros + offMicros);
      default -> rate;
    };
  }

  /** A fresh, stateful generator of arrival times for this spec. */
  ArrivalProcess newProcess() {
    return new ArrivalProcess(this);
  }
}
