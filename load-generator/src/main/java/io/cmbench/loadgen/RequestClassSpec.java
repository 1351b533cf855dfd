package io.cmbench.loadgen;

import java.util.Objects;

/**
 * One class of requests: its share of the traffic (relative weight), its prompt and output length
 * distributions, and optional prefix reuse ({@code null} = no prefix blocks are emitted).
 */
public record RequestClassSpec(
    String name, double weight, LengthDistribution prompt, LengthDistribution output, PrefixSpec prefix) {

  public RequestClassSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(output, "output");
    if (name.isBlank()) {
      throw new IllegalArgumentException("class name must not be blank");
    }
    if (!(weight > 0) || !Double.isFinite(weight)) {
      throw new IllegalArgumentException("weight must be > 0, got " + weight);
    }
  }

  public static RequestClassSpec fixed(String name, int promptTokens, int outputTokens) {
    return new RequestClassSpec(
        name, 1.0, LengthDistribution.fixed(promptTokens), LengthDistribution.fixed(outputTokens), null);
  }
}
