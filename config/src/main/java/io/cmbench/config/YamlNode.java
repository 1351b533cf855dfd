package io.cmbench.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One node of a YAML document with the file it came from, its dotted path ({@code decode.batch[2].name}) and its line,
 * so that every accessor can refuse bad input naming the file, the line, the field and the reason. This is the one YAML
 * reader of cmbench (profiles, models, deployments, scenarios, calibrations, measurements, workloads); {@link
 * YamlDocuments} builds the tree with Jackson's YAML parser.
 *
 * <p>Two styles of access, used by different readers: keyed accessors on a mapping ({@code node.number("rate")}) and
 * accessors on the node itself ({@code node.mapping(allowed).get("rate").number()}). Errors are made by the caller's
 * {@link Errors}, so each domain keeps its own exception type.
 */
public final class YamlNode {

    /** Makes the exception a reader throws: file, 1-based line (0 when unknown), field path and reason. */
    @FunctionalInterface
    public interface Errors {
        RuntimeException error(String file, int line, String field, String reason);
    }

    enum Kind { MAPPING, LIST, SCALAR, NULL }

    private final String file;
    private final String path;
    private final int line;
    private final Errors errors;
    private final Kind kind;
    private final Map<String, YamlNode> entries;
    private final List<YamlNode> items;
    private final Object value;
    private final String text;

    private YamlNode(String file, String path, int line, Errors errors, Kind kind, Map<String, YamlNode> entries,
                     List<YamlNode> items, Object value, String text) {
        this.file = file;
        this.path = path;
        this.line = line;
        this.errors = errors;
        this.kind = kind;
        this.entries = entries;
        this.items = items;
        this.value = value;
        this.text = text;
    }

    static YamlNode mapping(String file, String path, int line, Errors errors, Map<String, YamlNode> entries) {
        return new YamlNode(file, path, line, errors, Kind.MAPPING, entries, List.of(), null, null);
    }

    static YamlNode list(String file, String path, int line, Errors errors, List<YamlNode> items) {
        return new YamlNode(file, path, line, errors, Kind.LIST, Map.of(), items, null, null);
    }

    /** {@code value} is a String, Long, BigInteger, Double or Boolean, as the YAML core schema resolves the scalar. */
    static YamlNode scalar(String file, String path, int line, Errors errors, Object value, String text) {
        return new YamlNode(file, path, line, errors, Kind.SCALAR, Map.of(), List.of(), value, text);
    }

    static YamlNode nothing(String file, String path, int line, Errors errors) {
        return new YamlNode(file, path, line, errors, Kind.NULL, Map.of(), List.of(), null, null);
    }

    public String file() { return file; }

    public String path() { return path; }

    /** 1-based line where the node starts. */
    public int line() { return line; }

    // ---- the node itself ----

    public RuntimeException error(String reason) { return errors.error(file, line, path, reason); }

    public boolean isScalar() { return kind == Kind.SCALAR; }

    public boolean isMapping() { return kind == Kind.MAPPING; }

    public boolean isNull() { return kind == Kind.NULL; }

    /** How the node reads in an error message: {@code 'text'}, nothing, a mapping or a list. */
    public String describe() {
        return switch (kind) {
            case SCALAR -> "'" + text + "'";
            case NULL -> "nothing";
            case MAPPING -> "a mapping";
            case LIST -> "a list";
        };
    }

    /** The entries of a mapping; unknown keys are errors (duplicate keys were refused when the file was read). */
    public Map<String, YamlNode> mapping(Set<String> allowed) {
        if (kind != Kind.MAPPING) throw error("expected a mapping with fields " + allowed + ", got " + describe());
        for (YamlNode n : entries.values()) {
            String key = n.path.substring(n.path.lastIndexOf('.') + 1);
            if (!allowed.contains(key)) throw n.error("unknown field (expected one of " + allowed + ")");
        }
        return entries;
    }

    public List<YamlNode> list() {
        if (kind != Kind.LIST) throw error("expected a list, got " + describe());
        return items;
    }

    public String string() {
        if (kind != Kind.SCALAR) throw error("expected a value, got " + describe());
        return text.trim();
    }

    public double number() {
        String s = string();
        try {
            double d = value instanceof Number n ? n.doubleValue() : Double.parseDouble(s.replace("_", ""));
            if (!Double.isFinite(d)) throw error("must be a finite number (got '" + s + "')");
            return d;
        } catch (NumberFormatException e) {
            throw error("not a number (got '" + s + "')");
        }
    }

    public long integer() {
        String s = string();
        if (value instanceof Long l) return l;
        try {
            return Long.parseLong(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error("not an integer (got '" + s + "')");
        }
    }

    public int intValue() {
        long v = integer();
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) throw error("out of range (got " + v + ")");
        return (int) v;
    }

    public double positive() {
        double v = number();
        if (!(v > 0)) throw error("must be > 0 (got " + string() + ")");
        return v;
    }

    public double nonNegative() {
        double v = number();
        if (!(v >= 0)) throw error("must be >= 0 (got " + string() + ")");
        return v;
    }

    /** A number in [0, 1]. */
    public double probability() {
        double v = number();
        if (!(v >= 0 && v <= 1)) throw error("must be between 0 and 1 (got " + string() + ")");
        return v;
    }

    public int positiveInt() {
        int v = intValue();
        if (v <= 0) throw error("must be > 0 (got " + v + ")");
        return v;
    }

    public int nonNegativeInt() {
        int v = intValue();
        if (v < 0) throw error("must be >= 0 (got " + v + ")");
        return v;
    }

    /** One of the given words, case-insensitive, '-' and '_' equivalent. */
    public String choice(String... choices) {
        String s = string().toLowerCase(Locale.ROOT).replace('-', '_');
        for (String c : choices) {
            if (c.equals(s)) return c;
        }
        throw error("must be one of " + String.join(", ", choices) + " (got '" + string() + "')");
    }

    // ---- keyed accessors on a mapping ----

    public String field(String key) { return path.isEmpty() ? key : path + "." + key; }

    /** An error about {@code key}, on the key's line when it is present. */
    public RuntimeException error(String key, String reason) {
        YamlNode n = entries.get(key);
        return errors.error(file, n != null ? n.line : line, field(key), reason);
    }

    public boolean has(String key) {
        YamlNode n = entries.get(key);
        return n != null && n.kind != Kind.NULL;
    }

    public Set<String> keys() { return Collections.unmodifiableSet(entries.keySet()); }

    /** Refuses keys this node does not know (catches typos such as 'hbm_bandwith'). */
    public YamlNode allowOnly(String... keys) {
        Set<String> allowed = Set.of(keys);
        for (String k : entries.keySet()) {
            if (!allowed.contains(k)) {
                throw error(k, "unknown field (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
        return this;
    }

    private YamlNode present(String key) {
        YamlNode n = entries.get(key);
        if (n == null || n.kind == Kind.NULL) throw error(key, "missing field");
        return n;
    }

    /** The scalar under {@code key} as the YAML core schema resolves it (String, Long, BigInteger, Double, Boolean). */
    public Object scalar(String key) {
        YamlNode n = present(key);
        if (n.kind != Kind.SCALAR) throw error(key, "must be a value, got " + n.describe());
        return n.value;
    }

    /** The scalar under {@code key} converted by {@code parser}; an IllegalArgumentException it throws names the field. */
    public <T> T convert(String key, Function<Object, T> parser) {
        Object v = scalar(key);
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    public YamlNode child(String key) {
        YamlNode n = present(key);
        if (n.kind != Kind.MAPPING) throw error(key, "must be a mapping");
        return n;
    }

    /** A non-empty list of mappings. */
    public List<YamlNode> list(String key) {
        YamlNode n = present(key);
        if (n.kind != Kind.LIST) throw error(key, "must be a list");
        for (YamlNode item : n.items) {
            if (item.kind != Kind.MAPPING) throw item.error("must be a mapping");
        }
        if (n.items.isEmpty()) throw error(key, "must not be empty");
        return n.items;
    }

    /** A mapping whose values are mappings, in file order. */
    public Map<String, YamlNode> childMap(String key) {
        YamlNode c = child(key);
        Map<String, YamlNode> out = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : c.entries.entrySet()) {
            if (e.getValue().kind != Kind.MAPPING) throw c.error(e.getKey(), "must be a mapping");
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    public String string(String key) {
        scalar(key);
        String s = entries.get(key).text.trim();
        if (s.isEmpty()) throw error(key, "must not be empty");
        return s;
    }

    public String string(String key, String dflt) { return has(key) ? string(key) : dflt; }

    public String oneOf(String key, String... options) {
        String s = string(key);
        for (String o : options) if (o.equals(s)) return s;
        throw error(key, "'" + s + "' is not one of " + String.join(", ", options));
    }

    public boolean bool(String key) {
        Object v = scalar(key);
        if (v instanceof Boolean b) return b;
        throw error(key, "must be true or false, got '" + v + "'");
    }

    public boolean bool(String key, boolean dflt) { return has(key) ? bool(key) : dflt; }

    public double number(String key) {
        Object v = scalar(key);
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) throw error(key, "must be finite");
            return d;
        }
        try {
            double d = Double.parseDouble(v.toString().trim());
            if (!Double.isFinite(d)) throw error(key, "must be finite");
            return d;
        } catch (NumberFormatException e) {
            throw error(key, "must be a plain number, got '" + v + "'");
        }
    }

    public int integer(String key) {
        Object v = scalar(key);
        if (v instanceof Long l) {
            if (l > Integer.MAX_VALUE || l < Integer.MIN_VALUE) throw error(key, "out of range");
            return (int) (long) l;
        }
        if (v instanceof java.math.BigInteger) throw error(key, "out of range");
        throw error(key, "must be an integer, got '" + v + "'");
    }

    public int positiveInt(String key) {
        int i = integer(key);
        if (i <= 0) throw error(key, "must be > 0, got " + i);
        return i;
    }

    public int nonNegativeInt(String key) {
        int i = integer(key);
        if (i < 0) throw error(key, "must be >= 0, got " + i);
        return i;
    }

    public int nonNegativeInt(String key, int dflt) { return has(key) ? nonNegativeInt(key) : dflt; }

    /** A number in (0, 1]. */
    public double fraction(String key) {
        double d = number(key);
        if (!(d > 0 && d <= 1)) throw error(key, "must be in (0, 1], got " + d);
        return d;
    }

    /** A number in [0, 1]. */
    public double probability(String key) {
        double d = number(key);
        if (!(d >= 0 && d <= 1)) throw error(key, "must be in [0, 1], got " + d);
        return d;
    }

    public double atLeast(String key, double min) {
        double d = number(key);
        if (!(d >= min)) throw error(key, "must be >= " + min + ", got " + d);
        return d;
    }
}
