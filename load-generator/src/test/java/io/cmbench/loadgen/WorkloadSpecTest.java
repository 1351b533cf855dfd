package io.cmbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadSpecTest {
  @TempDir
  Path dir;

  private Path write(String name, String yaml) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, yaml);
    return p;
  }

  private WorkloadException error(String yaml) throws Exception {
    Path p = write("bad.yaml", yaml);
    try {
      WorkloadSpec.load(p);
    } catch (WorkloadException e) {
      assertThat(e.getMessage()).startsWith(p.toString());
      return e;
    }
    throw new AssertionError("no error for:\n" + yaml);
  }

  @Test
  void builtinWorkloadsLoad() {
    for (String name : WorkloadSpec.BUILTIN) {
      WorkloadSpec s = WorkloadSpec.builtin(name);
      assertThat(s.name()).isEqualTo(name);
      assertThat(s.durationMicros()).isEqualTo(60_000_000L);
      assertThat(s.classes()).isNotEmpty();
    }
    WorkloadSpec paper = WorkloadSpec.builtin("paper-4k-256");
    assertThat(paper.arrival().kind()).isEqualTo(ArrivalSpec.Kind.POISSON);
    assertThat(paper.classes().get(0).prompt()).isEqualTo(LengthDistribution.fixed(4096));
    assertThat(paper.classes().get(0).output()).isEqualTo(LengthDistribution.fixed(256));
    assertThat(WorkloadSpec.builtin("multiturn-50").classes().get(0).prefix().sessions().reuseFraction())
        .isEqualTo(0.5);
    assertThat(WorkloadSpec.builtin("multiturn-90").classes().get(0).prefix().sessions().reuseFraction())
        .isEqualTo(0.9);
  }

  @Test
  void poissonFactory() {
    WorkloadSpec s = WorkloadSpec.poisson(12.5, 30_000_000, 4096, 256);
    assertThat(s.arrival()).isEqualTo(ArrivalSpec.poisson(12.5));
    assertThat(s.durationMicros()).isEqualTo(30_000_000);
    assertThat(s.classes()).containsExactly(RequestClassSpec.fixed("default", 4096, 256));
    assertThatThrownBy(() -> WorkloadSpec.poisson(-1, 1, 1, 1)).hasMessageContaining("rate");
    assertThatThrownBy(() -> WorkloadSpec.poisson(1, 0, 1, 1)).hasMessageContaining("duration");
  }

  @Test
  void everyArrivalProcessAndDistributionParses() throws Exception {
    String classes = """
        classes:
          - name: a
            weight: 2
            prompt: {dist: normal, mean: 1000, stddev: 100, min: 10, max: 5000}
            output: {dist: lognormal, mu: 5, sigma: 0.5}
          - name: b
            prompt: {dist: empirical, bins: [{value: 100, weight: 1}, {min: 200, max: 300, weight: 2}]}
            output: {dist: uniform, min: 1, max: 10}
            prefix: {blockTokens: 64, shared: {prompts: 3, tokens: 512, reuseFraction: 0.7}}
        """;
    WorkloadSpec g = WorkloadSpec.load(write("g.yaml",
        "durationSeconds: 10\narrival: {process: gamma, rate: 5, burstiness: 0.5}\n" + classes));
    assertThat(g.arrival()).isEqualTo(ArrivalSpec.gamma(5, 0.5));
    assertThat(g.name()).isEqualTo("g");
    assertThat(g.classes()).hasSize(2);
    assertThat(g.classes().get(0).weight()).isEqualTo(2.0);
    assertThat(g.classes().get(1).prefix()).isEqualTo(new PrefixSpec(64, new PrefixSpec.Shared(3, 512, 0.7), null));
    WorkloadSpec o = WorkloadSpec.load(write("o.yaml",
        "durationSeconds: 10\narrival: {process: onoff, rate: 5, onSeconds: 1, offSeconds: 2.5}\n" + classes));
    assertThat(o.arrival()).isEqualTo(ArrivalSpec.onOff(5, 1_000_000, 2_500_000));
    WorkloadSpec r = WorkloadSpec.load(write("r.yaml",
        "durationSeconds: 10\nheartbeatIntervalMs: 250\narrival: {process: ramp, startRate: 1, endRate: 9}\n" + classes));
    assertThat(r.arrival()).isEqualTo(ArrivalSpec.ramp(1, 9, 10_000_000));
    assertThat(r.heartbeatIntervalMicros()).isEqualTo(250_000);
    WorkloadSpec c = WorkloadSpec.load(write("c.yaml",
        "maxRequests: 100\narrival: {process: constant, rate: 5}\n" + classes));
    assertThat(c.maxRequests()).isEqualTo(100);
    assertThat(c.durationMicros()).isEqualTo(Long.MAX_VALUE);
    // 100 requests over 20 s: a heartbeat at each of seconds 1..19, and the final one at the last arrival (20 s)
    assertThat(new RequestStream(c, 1)).toIterable().hasSize(100 + 19 + 1);
  }

  @Test
  void errorsNameFileLineFieldAndValue() throws Exception {
    WorkloadException e = error("""
        durationSeconds: 60
        arrival:
          process: poisson
          rate: -3
        classes:
          - prompt: 10
            output: 10
        """);
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.field()).isEqualTo("arrival.rate");
    assertThat(e.getMessage()).endsWith("bad.yaml:4: arrival.rate: must be > 0 (got -3)");

    e = error("""
        durationSeconds: 60
        arrival: {process: poisson, rate: 3}
        classes:
          - prompt: 10
            output: {dist: uniform, min: 10, max: 5}
        """);
    assertThat(e.getMessage()).contains(":5: classes[0].output.max: must be >= min 10 (got 5)");

    e = error("""
        durationSeconds: 60
        arrival: {process: poisson, rat: 3}
        classes: [{prompt: 10, output: 10}]
        """);
    assertThat(e.getMessage()).contains(":2: arrival.rat: unknown field");

    e = error("""
        durationSeconds: 60
        arrival: {process: weibull, rate: 3}
        classes: [{prompt: 10, output: 10}]
        """);
    assertThat(e.getMessage()).contains(":2: arrival.process: must be one of").contains("(got 'weibull')");

    e = error("""
        durationSeconds: sixty
        arrival: {process: poisson, rate: 3}
        classes: [{prompt: 10, output: 10}]
        """);
    assertThat(e.getMessage()).contains(":1: durationSeconds: not a number (got 'sixty')");

    e = error("""
        durationSeconds: 60
        arrival: {process: poisson, rate: 3}
        classes:
          - prompt: 10
            output: 10
            prefix:
              sessions: {concurrent: 4, reuseFraction: 1.5}
        """);
    assertThat(e.getMessage()).contains(":7: classes[0].prefix.sessions.reuseFraction: must be between 0 and 1 (got 1.5)");

    e = error("""
        durationSeconds: 60
        arrival: {process: poisson, rate: 3}
        classes:
          - name: x
            prompt: 0
            output: 10
        """);
    assertThat(e.getMessage()).contains(":5: classes[0].prompt: must be >= 1 (got 0)");

    e = error("""
        arrival: {process: poisson, rate: 3}
        classes: [{prompt: 10, output: 10}]
        """);
    assertThat(e.getMessage()).contains("missing field 'durationSeconds'");

    e = error("""
        durationSeconds: 60
        arrival: {process: poisson, rate: 3}
        classes:
          - {name: x, prompt: 10, output: 10}
          - {name: x, prompt: 10, output: 10}
        """);
    assertThat(e.getMessage()).contains(":5: classes[1]: duplicate class name 'x'");

    e = error("durationSeconds: 60\narrival: [unclosed\n");
    assertThat(e.getMessage()).contains("invalid YAML");
    assertThat(e.line()).isGreaterThan(0);

    e = error("""
        durationSeconds: 60
        trace: {format: azure, file: nope.csv}
        """);
    assertThat(e.getMessage()).contains(":2: trace.file: trace file not found").contains("nope.csv");
  }

  @Test
  void missingFileIsAWorkloadException() {
    assertThatThrownBy(() -> WorkloadSpec.load(dir.resolve("absent.yaml")))
        .isInstanceOf(WorkloadException.class)
        .hasMessageContaining("absent.yaml");
  }
}
