package io.cmbench.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** A snakeyaml node with its dotted path and source, so every error names file, line and field. */
final class YamlNode {
  final String source;
  final String path;
  final Node node;

  YamlNode(String source, String path, Node node) {
    this.source = source;
    this.path = path;
    this.node = node;
  }

  int line() {
    return node.getStartMark().getLine() + 1;
  }

  WorkloadException error(String problem) {
    return new WorkloadException(source, line(), path, problem);
  }

  boolean isScalar() {
    return node instanceof ScalarNode && !isNull();
  }

  boolean isMapping() {
    return node instanceof MappingNode;
  }

  boolean isNull() {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  String describe() {
    if (node instanceof ScalarNode s) {
      return isNull() ? "nothing" : "'" + s.getValue() + "'";
    }
    return node instanceof MappingNode ? "a mapping" : "a list";
  }

  private String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The entries of a mapping; unknown or duplicate keys are errors. */
  Map<String, YamlNode> mapping(Set<String> allowed) {
    if (!(node instanceof MappingNode m)) {
      throw error("expected a mapping with fields " + allowed + ", got " + describe());
    }
    Map<String, YamlNode> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        throw new YamlNode(source, path, t.getKeyNode()).error("keys must be plain names");
      }
      String key = k.getValue();
      YamlNode value = new YamlNode(source, child(key), t.getValueNode());
      if (!allowed.contains(key)) {
        throw new WorkloadException(source, k.getStartMark().getLine() + 1, child(key),
            "unknown field (expected one of " + allowed + ")");
      }
      if (out.put(key, value) != null) {
        throw new WorkloadException(source, k.getStartMark().getLine() + 1, child(key), "duplicate field");
      }
    }
    return out;
  }

  List<YamlNode> list() {
    if (!(node instanceof SequenceNode s)) {
      throw error("expected a list, got " + describe());
    }
    List<YamlNode> out = new ArrayList<>();
    List<Node> items = s.getValue();
    for (int i = 0; i < items.size(); i++) {
      out.add(new YamlNode(source, path + "[" + i + "]", items.get(i)));
    }
    return out;
  }

  String string() {
    if (!isScalar()) {
      throw error("expected a value, got " + describe());
    }
    return ((ScalarNode) node).getValue().trim();
  }

  double number() {
    String s = string();
    try {
      double d = Double.parseDouble(s.replace("_", ""));
      if (!Double.isFinite(d)) {
        throw error("must be a finite number (got '" + s + "')");
      }
      return d;
    } catch (NumberFormatException e) {
      throw error("not a number (got '" + s + "')");
    }
  }

  long integer() {
    String s = string();
    try {
      return Long.parseLong(s.replace("_", ""));
    } catch (NumberFormatException e) {
      throw error("not an integer (got '" + s + "')");
    }
  }

  int intValue() {
    long v = integer();
    if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
      throw error("out of range (got " + v + ")");
    }
    return (int) v;
  }

  double positive() {
    double v = number();
    if (!(v > 0)) {
      throw error("must be > 0 (got " + string() + ")");
    }
    return v;
  }

  double nonNegative() {
    double v = number();
    if (!(v >= 0)) {
      throw error("must be >= 0 (got " + string() + ")");
    }
    return v;
  }

  double fraction() {
    double v = number();
    if (!(v >= 0 && v <= 1)) {
      throw error("must be between 0 and 1 (got " + string() + ")");
    }
    return v;
  }

  int positiveInt() {
    int v = intValue();
    if (v <= 0) {
      throw error("must be > 0 (got " + v + ")");
    }
    return v;
  }

  int nonNegativeInt() {
    int v = intValue();
    if (v < 0) {
      throw error("must be >= 0 (got " + v + ")");
    }
    return v;
  }

  /** One of the given words, case-insensitive, '-' and '_' equivalent. */
  String oneOf(String... choices) {
    String s = string().toLowerCase(Locale.ROOT).replace('-', '_');
    for (String c : choices) {
      if (c.equals(s)) {
        return c;
      }
    }
    throw error("must be one of " + String.join(", ", choices) + " (got '" + string() + "')");
  }
}
