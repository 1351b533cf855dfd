package io.cmbench.model.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A mapping node of a YAML description with its file name and dotted path, so that every accessor can
 * refuse bad input naming the file, the field and the reason.
 */
public final class YamlNode {
    private final String file;
    private final String path;
    private final Map<String, Object> map;

    public YamlNode(String file, String path, Map<String, Object> map) {
        this.file = file;
        this.path = path;
        this.map = map == null ? Collections.emptyMap() : map;
    }

    public String file() { return file; }
    public String path() { return path; }

    public String field(String key) { return path.isEmpty() ? key : path + "." + key; }

    public SpecException error(String key, String reason) { return new SpecException(file, field(key), reason); }

    public boolean has(String key) { return map.containsKey(key) && map.get(key) != null; }

    private Object raw(String key) {
        Object v = map.get(key);
        if (v == null) throw error(key, "missing field");
        return v;
    }

    /** Refuses keys this node does not know (catches typos such as 'hbm_bandwith'). */
    public YamlNode allowOnly(String... keys) {
        Set<String> allowed = Set.of(keys);
        Set<String> unknown = new TreeSet<>();
        for (String k : map.keySet()) if (!allowed.contains(k)) unknown.add(k);
        if (!unknown.isEmpty()) {
            String k = unknown.iterator().next();
            throw error(k, "unknown field (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
        }
        return this;
    }

    @SuppressWarnings("unchecked")
    public YamlNode child(String key) {
        Object v = raw(key);
        if (!(v instanceof Map)) throw error(key, "must be a mapping");
        return new YamlNode(file, field(key), (Map<String, Object>) v);
    }

    @SuppressWarnings("unchecked")
    public List<YamlNode> list(String key) {
        Object v = raw(key);
        if (!(v instanceof List)) throw error(key, "must be a list");
        List<YamlNode> out = new ArrayList<>();
        int i = 0;
        for (Object o : (List<Object>) v) {
            if (!(o instanceof Map)) throw error(key + "[" + i + "]", "must be a mapping");
            out.add(new YamlNode(file, field(key) + "[" + i + "]", (Map<String, Object>) o));
            i++;
        }
        if (out.isEmpty()) throw error(key, "must not be empty");
        return out;
    }

    @SuppressWarnings("unchecked")
    public Map<String, YamlNode> childMap(String key) {
        YamlNode c = child(key);
        Map<String, YamlNode> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : c.map.entrySet()) {
            if (!(e.getValue() instanceof Map)) throw c.error(e.getKey(), "must be a mapping");
            out.put(e.getKey(), new YamlNode(file, c.field(e.getKey()), (Map<String, Object>) e.getValue()));
        }
        return out;
    }

    public Set<String> keys() { return map.keySet(); }

    public String string(String key) {
        Object v = raw(key);
        String s = v.toString().trim();
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
        Object v = raw(key);
        if (v instanceof Boolean b) return b;
        throw error(key, "must be true or false, got '" + v + "'");
    }

    public boolean bool(String key, boolean dflt) { return has(key) ? bool(key) : dflt; }

    public double number(String key) {
        Object v = raw(key);
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) throw error(key, "must be finite");
            return d;
        }
        try {
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw error(key, "must be a plain number, got '" + v + "'");
        }
    }

    public int integer(String key) {
        Object v = raw(key);
        if (v instanceof Integer || v instanceof Long) {
            long l = ((Number) v).longValue();
            if (l > Integer.MAX_VALUE || l < Integer.MIN_VALUE) throw error(key, "out of range");
            return (int) l;
        }
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

    /** A strictly positive quantity with a unit of the given dimension, in SI base units. */
    public double quantity(String key, Units.Dim dim) {
        double v;
        try {
            v = Units.parse(raw(key), dim);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
        if (!(v > 0) || !Double.isFinite(v)) throw error(key, "must be > 0, got '" + raw(key) + "'");
        return v;
    }

    /** A quantity that may be zero. */
    public double quantityOrZero(String key, Units.Dim dim) {
        double v;
        try {
            v = Units.parse(raw(key), dim);
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
        if (!(v >= 0) || !Double.isFinite(v)) throw error(key, "must be >= 0, got '" + raw(key) + "'");
        return v;
    }
}
