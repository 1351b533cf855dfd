package io.cmbench.model.spec;

import io.cmbench.config.YamlNode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Quantities with units, as written in the YAML descriptions ("1.6 TB/s", "64 GB", "1.2 us"). */
public final class Units {
    private Units() {}

    /** The physical dimension a field expects; each maps unit symbols to SI base multipliers. */
    public enum Dim {
        /** operations per second (FLOPS or integer OPS). */
        RATE("a compute rate, e.g. '376 TFLOPS'", Map.of(
                "flops", 1.0, "gflops", 1e9, "tflops", 1e12, "pflops", 1e15,
                "ops", 1.0, "gops", 1e9, "tops", 1e12, "pops", 1e15)),
        /** bytes per second. */
        BANDWIDTH("a bandwidth, e.g. '1.6 TB/s' or '200 Gbps'", Map.ofEntries(
                Map.entry("b/s", 1.0), Map.entry("kb/s", 1e3), Map.entry("mb/s", 1e6), Map.entry("gb/s", 1e9),
                Map.entry("tb/s", 1e12), Map.entry("gib/s", 1024.0 * 1024 * 1024),
                Map.entry("gbps", 1e9 / 8), Map.entry("tbps", 1e12 / 8), Map.entry("mbps", 1e6 / 8))),
        /** bytes. */
        BYTES("a size, e.g. '64 GB' or '7.5 KiB'", Map.of(
                "b", 1.0, "kb", 1e3, "mb", 1e6, "gb", 1e9, "tb", 1e12,
                "kib", 1024.0, "mib", 1024.0 * 1024, "gib", 1024.0 * 1024 * 1024, "tib", 1024.0 * 1024 * 1024 * 1024)),
        /** seconds. */
        TIME("a time, e.g. '1.2 us'", Map.of("ns", 1e-9, "us", 1e-6, "µs", 1e-6, "ms", 1e-3, "s", 1.0));

        final String example;
        final Map<String, Double> units;

        Dim(String example, Map<String, Double> units) {
            this.example = example;
            this.units = units;
        }
    }

    private static final Pattern Q = Pattern.compile("\\s*([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*([^\\s0-9].*?)?\\s*");

    /**
     * Parses a quantity. Returns the value in SI base units (ops/s, B/s, B, s).
     *
     * @throws IllegalArgumentException with a reason suitable for {@link SpecException}
     */
    public static double parse(Object raw, Dim dim) {
        if (raw == null) throw new IllegalArgumentException("missing value; expected " + dim.example);
        if (raw instanceof Number) {
            throw new IllegalArgumentException("missing unit in '" + raw + "'; expected " + dim.example);
        }
        Matcher m = Q.matcher(raw.toString());
        if (!m.matches()) throw new IllegalArgumentException("cannot parse '" + raw + "'; expected " + dim.example);
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2);
        if (unit == null) throw new IllegalArgumentException("missing unit in '" + raw + "'; expected " + dim.example);
        Double mult = dim.units.get(unit.trim().toLowerCase(Locale.ROOT));
        if (mult == null) {
            throw new IllegalArgumentException("wrong unit '" + unit.trim() + "' in '" + raw + "'; expected " + dim.example);
        }
        return v * mult;
    }

    /** A strictly positive quantity with a unit of the given dimension under {@code key}, in SI base units. */
    public static double quantity(YamlNode n, String key, Dim dim) {
        double v = n.convert(key, raw -> parse(raw, dim));
        if (!(v > 0) || !Double.isFinite(v)) throw n.error(key, "must be > 0, got '" + n.scalar(key) + "'");
        return v;
    }

    /** A quantity that may be zero. */
    public static double quantityOrZero(YamlNode n, String key, Dim dim) {
        double v = n.convert(key, raw -> parse(raw, dim));
        if (!(v >= 0) || !Double.isFinite(v)) throw n.error(key, "must be >= 0, got '" + n.scalar(key) + "'");
        return v;
    }
}
