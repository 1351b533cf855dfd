package io.cmbench.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A workload: request classes mixed by weight with their length distributions and prefix reuse,
 * an arrival process and a duration — or the replay of a trace file. Immutable; loadable from YAML
 * ({@link #load(Path)}, format in the module's README) or built in code ({@link #poisson}, {@link
 * #of}, {@link #replay}).
 */
public final class WorkloadSpec {
  /** Default quiet period after which the stream emits a heartbeat: 1 s of simulated time. */
  public static final long DEFAULT_HEARTBEAT_INTERVAL_MICROS = 1_000_000L;
  /** Names of the example workloads shipped in {@code /workloads/NAME.yaml} on the classpath. */
  public static final List<String> BUILTIN =
      List.of("paper-4k-256", "chat-1k-1k", "2k-256", "multiturn-50", "multiturn-90");

  private final String name;
  private final long durationMicros;
  private final long maxRequests;
  private final long heartbeatIntervalMicros;
  private final ArrivalSpec arrival;
  private final List<RequestClassSpec> classes;
  private final TraceSpec trace;

  WorkloadSpec(String name, long durationMicros, long maxRequests, long heartbeatIntervalMicros,
      ArrivalSpec arrival, List<RequestClassSpec> classes, TraceSpec trace) {
    this.name = Objects.requireNonNull(name, "name");
    if (durationMicros <= 0) {
      throw new IllegalArgumentException("duration must be > 0, got " + durationMicros + " us");
    }
    if (maxRequests <= 0) {
      throw new IllegalArgumentException("maxRequests must be > 0, got " + maxRequests);
    }
    if (heartbeatIntervalMicros <= 0) {
      throw new IllegalArgumentException("heartbeat interval must be > 0, got " + heartbeatIntervalMicros + " us");
    }
    if (trace == null) {
      Objects.requireNonNull(arrival, "arrival");
      if (classes.isEmpty()) {
        throw new IllegalArgumentException("at least one request class is required");
      }
      if (durationMicros == Long.MAX_VALUE && maxRequests == Long.MAX_VALUE) {
        throw new IllegalArgumentException("a generated workload needs a duration or maxRequests");
      }
      Set<String> names = new LinkedHashSet<>();
      for (RequestClassSpec c : classes) {
        if (!names.add(c.name())) {
          throw new IllegalArgumentException("duplicate request class name '" + c.name() + "'");
        }
      }
    }
    this.durationMicros = durationMicros;
    this.maxRequests = maxRequests;
    this.heartbeatIntervalMicros = heartbeatIntervalMicros;
    this.arrival = arrival;
    this.classes = List.copyOf(classes);
    this.trace = trace;
  }

  // ---------------------------------------------------------------- programmatic construction

  /** The default scenario: Poisson arrivals, fixed prompt and output lengths, one class "default". */
  public static WorkloadSpec poisson(double requestsPerSec, long durationMicros, int promptTokens, int outputTokens) {
    return of("poisson-" + promptTokens + "-" + outputTokens, ArrivalSpec.poisson(requestsPerSec), durationMicros,
        List.of(RequestClassSpec.fixed("default", promptTokens, outputTokens)));
  }

  /** Constant-rate arrivals, fixed lengths. */
  public static WorkloadSpec constant(double requestsPerSec, long durationMicros, int promptTokens, int outputTokens) {
    return of("constant-" + promptTokens + "-" + outputTokens, ArrivalSpec.constant(requestsPerSec), durationMicros,
        List.of(RequestClassSpec.fixed("default", promptTokens, outputTokens)));
  }

  /** A generated workload. */
  public static WorkloadSpec of(String name, ArrivalSpec arrival, long durationMicros, List<RequestClassSpec> classes) {
    return new WorkloadSpec(name, durationMicros, Long.MAX_VALUE, DEFAULT_HEARTBEAT_INTERVAL_MICROS, arrival,
        classes, null);
  }

  /** Replay of a trace file, whole (use {@link #withDurationMicros} / {@link #withMaxRequests} to cut it). */
  public static WorkloadSpec replay(TraceSpec trace) {
    return new WorkloadSpec("trace-" + trace.file().getFileName(), Long.MAX_VALUE, Long.MAX_VALUE,
        DEFAULT_HEARTBEAT_INTERVAL_MICROS, null, List.of(), Objects.requireNonNull(trace, "trace"));
  }

  public WorkloadSpec withDurationMicros(long micros) {
    return new WorkloadSpec(name, micros, maxRequests, heartbeatIntervalMicros, arrival, classes, trace);
  }

  public WorkloadSpec withMaxRequests(long n) {
    return new WorkloadSpec(name, durationMicros, n, heartbeatIntervalMicros, arrival, classes, trace);
  }

  public WorkloadSpec withHeartbeatIntervalMicros(long micros) {
    return new WorkloadSpec(name, durationMicros, maxRequests, micros, arrival, classes, trace);
  }

  public WorkloadSpec withName(String newName) {
    return new WorkloadSpec(newName, durationMicros, maxRequests, heartbeatIntervalMicros, arrival, classes, trace);
  }

  // ---------------------------------------------------------------- accessors

  public String name() {
    return name;
  }

  /** Requests arrive in [0, duration); {@code Long.MAX_VALUE} = unbounded (a whole trace). */
  public long durationMicros() {
    return durationMicros;
  }

  /** Cap on generated requests; {@code Long.MAX_VALUE} = none. */
  public long maxRequests() {
    return maxRequests;
  }

  public long heartbeatIntervalMicros() {
    return heartbeatIntervalMicros;
  }

  /** Null for a trace replay. */
  public ArrivalSpec arrival() {
    return arrival;
  }

  /** Empty for a trace replay. */
  public List<RequestClassSpec> classes() {
    return classes;
  }

  /** Null unless this is a trace replay. */
  public TraceSpec trace() {
    return trace;
  }

  public boolean isTraceReplay() {
    return trace != null;
  }

  @Override
  public String toString() {
    if (trace != null) {
      return "WorkloadSpec[" + name + ": " + trace.format() + " trace " + trace.file() + " x" + trace.timeScale() + "]";
    }
    return "WorkloadSpec[" + name + ": " + arrival.kind() + " " + arrival.rate() + " req/s for "
        + (durationMicros == Long.MAX_VALUE ? "unbounded" : durationMicros / 1e6 + " s") + ", classes "
        + classes.stream().map(RequestClassSpec::name).toList() + "]";
  }

  // ---------------------------------------------------------------- YAML

  /** Loads and validates a YAML workload file. Errors name the file, line, field and value. */
  public static WorkloadSpec load(Path yamlFile) {
    String source = yamlFile.toString();
    String text;
    try {
      text = Files.readString(yamlFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new WorkloadException(source, 0, null, "cannot read workload file: " + e.getMessage(), e);
    }
    Path base = yamlFile.toAbsolutePath().getParent();
    return parse(text, source, base);
  }

  /** Loads one of the shipped example workloads ({@link #BUILTIN}) from the classpath. */
  public static WorkloadSpec builtin(String name) {
    String resource = "/workloads/" + name + ".yaml";
    try (InputStream in = WorkloadSpec.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new WorkloadException(name, 0, null, "no such built-in workload (known: " + BUILTIN + ")");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "workloads/" + name + ".yaml", null);
    } catch (IOException e) {
      throw new WorkloadException(resource, 0, null, "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Parses YAML text. {@code source} names it in error messages; relative trace paths resolve
   * against {@code baseDir} (or the working directory when null).
   */
  public static WorkloadSpec parse(String yamlText, String source, Path baseDir) {
    return WorkloadParser.parse(yamlText, source, baseDir);
  }


}
