package io.cmbench.loadgen;

import io.cmbench.config.YamlDocuments;
import io.cmbench.config.YamlNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a workload YAML file into a {@link WorkloadSpec}: every field checked, every error naming the file, line, field
 * and value. The value class holds no parsing code.
 */
final class WorkloadParser {
  private final String source;
  private final Path baseDir;

  private WorkloadParser(String source, Path baseDir) {
    this.source = source;
    this.baseDir = baseDir;
  }

  static WorkloadSpec parse(String yamlText, String source, Path baseDir) {
    YamlNode root = YamlDocuments.parse(source, yamlText, WorkloadException::new);
    return new WorkloadParser(source, baseDir).workload(root);
  }

  private WorkloadSpec workload(YamlNode root) {
    Map<String, YamlNode> m = root.mapping(Set.of(
        "name", "durationSeconds", "maxRequests", "heartbeatIntervalMs", "arrival", "classes", "trace"));
    String name = m.containsKey("name") ? m.get("name").string() : stripExtension(source);
    long duration = m.containsKey("durationSeconds") ? micros(m.get("durationSeconds")) : Long.MAX_VALUE;
    long maxRequests = m.containsKey("maxRequests") ? positiveLong(m.get("maxRequests")) : Long.MAX_VALUE;
    long heartbeat = m.containsKey("heartbeatIntervalMs")
        ? Math.round(m.get("heartbeatIntervalMs").positive() * 1e3) : WorkloadSpec.DEFAULT_HEARTBEAT_INTERVAL_MICROS;
    if (heartbeat <= 0) {
      throw m.get("heartbeatIntervalMs").error("must be at least 0.001 ms");
    }
    if (m.containsKey("trace")) {
      for (String f : List.of("arrival", "classes")) {
        if (m.containsKey(f)) {
          throw m.get(f).error("not allowed together with 'trace' (a trace gives its own arrivals and lengths)");
        }
      }
      TraceSpec trace = trace(m.get("trace"));
      return new WorkloadSpec(name, duration, maxRequests, heartbeat, null, List.of(), trace);
    }
    if (!m.containsKey("arrival")) {
      throw root.error("missing field 'arrival' (or 'trace')");
    }
    if (!m.containsKey("classes")) {
      throw root.error("missing field 'classes'");
    }
    if (duration == Long.MAX_VALUE && maxRequests == Long.MAX_VALUE) {
      throw root.error("missing field 'durationSeconds' (or 'maxRequests')");
    }
    ArrivalSpec arrival = arrival(m.get("arrival"), duration);
    YamlNode classesNode = m.get("classes");
    List<YamlNode> items = classesNode.list();
    if (items.isEmpty()) {
      throw classesNode.error("needs at least one request class");
    }
    List<RequestClassSpec> classes = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < items.size(); i++) {
      RequestClassSpec c = requestClass(items.get(i), items.size() == 1 ? "default" : "class" + i);
      if (!names.add(c.name())) {
        throw items.get(i).error("duplicate class name '" + c.name() + "'");
      }
      classes.add(c);
    }
    return new WorkloadSpec(name, duration, maxRequests, heartbeat, arrival, classes, null);
  }

  private static String stripExtension(String s) {
    String f = Path.of(s).getFileName().toString();
    int dot = f.lastIndexOf('.');
    return dot > 0 ? f.substring(0, dot) : f;
  }

  private long micros(YamlNode n) {
    double sec = n.positive();
    long us = Math.round(sec * 1e6);
    if (us <= 0) {
      throw n.error("must be at least 1 microsecond (got " + n.string() + ")");
    }
    return us;
  }

  private static long positiveLong(YamlNode n) {
    long v = n.integer();
    if (v <= 0) {
      throw n.error("must be > 0 (got " + v + ")");
    }
    return v;
  }

  ArrivalSpec arrival(YamlNode n, long durationMicros) {
    Map<String, YamlNode> m = n.mapping(Set.of(
        "process", "rate", "burstiness", "onSeconds", "offSeconds", "startRate", "endRate", "rampSeconds"));
    if (!m.containsKey("process")) {
      throw n.error("missing field 'process' (poisson, constant, gamma, onoff, ramp)");
    }
    String process = m.get("process").choice("poisson", "constant", "gamma", "onoff", "on_off", "ramp");
    Set<String> allowed = switch (process) {
      case "poisson", "constant" -> Set.of("process", "rate");
      case "gamma" -> Set.of("process", "rate", "burstiness");
      case "onoff", "on_off" -> Set.of("process", "rate", "onSeconds", "offSeconds");
      default -> Set.of("process", "startRate", "endRate", "rampSeconds");
    };
    for (Map.Entry<String, YamlNode> e : m.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        throw e.getValue().error("not a parameter of the '" + process + "' process (expected " + allowed + ")");
      }
    }
    return switch (process) {
      case "poisson" -> ArrivalSpec.poisson(required(n, m, "rate").positive());
      case "constant" -> ArrivalSpec.constant(required(n, m, "rate").positive());
      case "gamma" -> ArrivalSpec.gamma(required(n, m, "rate").positive(), required(n, m, "burstiness").positive());
      case "onoff", "on_off" -> {
        long on = micros(required(n, m, "onSeconds"));
        long off = m.containsKey("offSeconds") ? Math.round(m.get("offSeconds").nonNegative() * 1e6) : 0;
        yield ArrivalSpec.onOff(required(n, m, "rate").positive(), on, off);
      }
      default -> {
        double start = required(n, m, "startRate").nonNegative();
        double end = required(n, m, "endRate").positive();
        long ramp;
        if (m.containsKey("rampSeconds")) {
          ramp = micros(m.get("rampSeconds"));
        } else if (durationMicros != Long.MAX_VALUE) {
          ramp = durationMicros;
        } else {
          throw n.error("missing field 'rampSeconds' (defaults to durationSeconds, which is not set)");
        }
        yield ArrivalSpec.ramp(start, end, ramp);
      }
    };
  }

  private static YamlNode required(YamlNode parent, Map<String, YamlNode> m, String field) {
    YamlNode v = m.get(field);
    if (v == null) {
      throw parent.error("missing field '" + field + "'");
    }
    return v;
  }

  RequestClassSpec requestClass(YamlNode n, String defaultName) {
    Map<String, YamlNode> m = n.mapping(Set.of("name", "weight", "prompt", "output", "prefix"));
    String name = m.containsKey("name") ? m.get("name").string() : defaultName;
    if (name.isEmpty()) {
      throw m.get("name").error("must not be empty");
    }
    double weight = m.containsKey("weight") ? m.get("weight").positive() : 1.0;
    LengthDistribution prompt = length(required(n, m, "prompt"), 1);
    LengthDistribution output = length(required(n, m, "output"), 1);
    PrefixSpec prefix = m.containsKey("prefix") ? prefix(m.get("prefix")) : null;
    return new RequestClassSpec(name, weight, prompt, output, prefix);
  }

  /** A length: a plain integer (fixed) or a mapping with {@code dist}. */
  LengthDistribution length(YamlNode n, int minValue) {
    if (n.isScalar()) {
      return new LengthDistribution.Fixed(atLeast(n, minValue));
    }
    Map<String, YamlNode> m = n.mapping(Set.of(
        "dist", "value", "min", "max", "mean", "stddev", "mu", "sigma", "bins"));
    if (!m.containsKey("dist")) {
      throw n.error("missing field 'dist' (fixed, uniform, normal, lognormal, empirical)");
    }
    String dist = m.get("dist").choice("fixed", "uniform", "normal", "lognormal", "empirical");
    Set<String> allowed = switch (dist) {
      case "fixed" -> Set.of("dist", "value");
      case "uniform" -> Set.of("dist", "min", "max");
      case "normal" -> Set.of("dist", "mean", "stddev", "min", "max");
      case "lognormal" -> Set.of("dist", "mean", "stddev", "mu", "sigma", "min", "max");
      default -> Set.of("dist", "bins");
    };
    for (Map.Entry<String, YamlNode> e : m.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        throw e.getValue().error("not a parameter of the '" + dist + "' distribution (expected " + allowed + ")");
      }
    }
    switch (dist) {
      case "fixed":
        return new LengthDistribution.Fixed(atLeast(required(n, m, "value"), minValue));
      case "uniform": {
        int min = atLeast(required(n, m, "min"), minValue);
        YamlNode maxNode = required(n, m, "max");
        int max = maxNode.intValue();
        if (max < min) {
          throw maxNode.error("must be >= min " + min + " (got " + max + ")");
        }
        return new LengthDistribution.Uniform(min, max);
      }
      case "normal":
      case "lognormal": {
        int min = m.containsKey("min") ? atLeast(m.get("min"), minValue) : Math.max(1, minValue);
        int max = m.containsKey("max") ? m.get("max").intValue() : 1 << 20;
        if (max < min) {
          throw (m.containsKey("max") ? m.get("max") : n).error("must be >= min " + min + " (got " + max + ")");
        }
        if (dist.equals("normal")) {
          return new LengthDistribution.Normal(required(n, m, "mean").number(),
              required(n, m, "stddev").nonNegative(), min, max);
        }
        if (m.containsKey("mu") || m.containsKey("sigma")) {
          if (m.containsKey("mean") || m.containsKey("stddev")) {
            throw n.error("give either mean+stddev or mu+sigma, not both");
          }
          return new LengthDistribution.LogNormal(required(n, m, "mu").number(),
              required(n, m, "sigma").nonNegative(), min, max);
        }
        return LengthDistribution.LogNormal.ofMeanStddev(required(n, m, "mean").positive(),
            required(n, m, "stddev").nonNegative(), min, max);
      }
      default: {
        YamlNode binsNode = required(n, m, "bins");
        List<YamlNode> items = binsNode.list();
        if (items.isEmpty()) {
          throw binsNode.error("needs at least one bin");
        }
        List<LengthDistribution.Bin> bins = new ArrayList<>();
        for (YamlNode b : items) {
          Map<String, YamlNode> bm = b.mapping(Set.of("value", "min", "max", "weight"));
          double weight = required(b, bm, "weight").positive();
          int lo;
          int hi;
          if (bm.containsKey("value")) {
            if (bm.containsKey("min") || bm.containsKey("max")) {
              throw b.error("give either value or min+max, not both");
            }
            lo = hi = atLeast(bm.get("value"), minValue);
          } else {
            lo = atLeast(required(b, bm, "min"), minValue);
            YamlNode maxNode = required(b, bm, "max");
            hi = maxNode.intValue();
            if (hi < lo) {
              throw maxNode.error("must be >= min " + lo + " (got " + hi + ")");
            }
          }
          bins.add(new LengthDistribution.Bin(lo, hi, weight));
        }
        return new LengthDistribution.Empirical(bins);
      }
    }
  }

  private static int atLeast(YamlNode n, int min) {
    int v = n.intValue();
    if (v < min) {
      throw n.error("must be >= " + min + " (got " + v + ")");
    }
    return v;
  }

  PrefixSpec prefix(YamlNode n) {
    Map<String, YamlNode> m = n.mapping(Set.of("blockTokens", "shared", "sessions"));
    int blockTokens = m.containsKey("blockTokens") ? m.get("blockTokens").positiveInt() : PrefixSpec.DEFAULT_BLOCK_TOKENS;
    if (m.containsKey("shared") && m.containsKey("sessions")) {
      throw m.get("sessions").error("use either 'shared' or 'sessions', not both");
    }
    PrefixSpec.Shared shared = null;
    PrefixSpec.Sessions sessions = null;
    if (m.containsKey("shared")) {
      YamlNode s = m.get("shared");
      Map<String, YamlNode> sm = s.mapping(Set.of("prompts", "tokens", "reuseFraction"));
      shared = new PrefixSpec.Shared(
          sm.containsKey("prompts") ? sm.get("prompts").positiveInt() : 1,
          required(s, sm, "tokens").positiveInt(),
          required(s, sm, "reuseFraction").probability());
    }
    if (m.containsKey("sessions")) {
      YamlNode s = m.get("sessions");
      Map<String, YamlNode> sm = s.mapping(Set.of("concurrent", "turns", "reuseFraction"));
      sessions = new PrefixSpec.Sessions(
          required(s, sm, "concurrent").positiveInt(),
          sm.containsKey("turns") ? sm.get("turns").positiveInt() : 10,
          required(s, sm, "reuseFraction").probability());
    }
    return new PrefixSpec(blockTokens, shared, sessions);
  }

  TraceSpec trace(YamlNode n) {
    Map<String, YamlNode> m = n.mapping(Set.of("format", "file", "timeScale", "blockTokens", "requestClass"));
    TraceFormat format = required(n, m, "format").choice("azure", "mooncake").equals("azure")
        ? TraceFormat.AZURE : TraceFormat.MOONCAKE;
    YamlNode fileNode = required(n, m, "file");
    Path file = Path.of(fileNode.string());
    if (!file.isAbsolute() && baseDir != null) {
      file = baseDir.resolve(file);
    }
    if (!Files.isReadable(file)) {
      throw fileNode.error("trace file not found or not readable (got '" + fileNode.string() + "', resolved to " + file + ")");
    }
    double scale = m.containsKey("timeScale") ? m.get("timeScale").positive() : 1.0;
    int blockTokens = m.containsKey("blockTokens") ? m.get("blockTokens").positiveInt() : TraceSpec.MOONCAKE_BLOCK_TOKENS;
    String cls = m.containsKey("requestClass") ? m.get("requestClass").string() : null;
    return new TraceSpec(format, file, scale, blockTokens, cls);
  }
}
