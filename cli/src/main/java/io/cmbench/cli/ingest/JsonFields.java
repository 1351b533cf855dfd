package io.cmbench.cli.ingest;

import io.cmbench.schemas.RequestRules;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;

/**
 * Typed reads of a located JSON tree: every refusal names the file, the value's line, the field (with its array index)
 * and the value, as {@code FILE:LINE: field: reason, got 'value'}. Seconds become whole microseconds exactly (the decimal
 * text, not a double, is scaled), so a time written to the microsecond is read to the microsecond.
 */
final class JsonFields {
    /** The latest time (and the longest duration) a file may give: 2^53 µs, as for cmbench's own format. */
    static final long MAX_MICROS = RequestRules.MAX_ARRIVAL_MICROS;

    private final Path file;

    JsonFields(Path file) {
        this.file = file;
    }

    BadLineException bad(LocatedJson.Value at, String field, String why) {
        return new BadLineException(file, at.line(), field, why);
    }

    /** {@code obj.name}, which must be there (not null); {@code hint} says how to get it when it is not. */
    LocatedJson.Value require(LocatedJson.Value obj, String name, String field, String hint) {
        LocatedJson.Value v = obj.kind() == LocatedJson.Kind.OBJECT ? obj.field(name) : null;
        if (v == null || v.kind() == LocatedJson.Kind.NULL) {
            throw bad(obj, field, "missing" + (hint == null ? "" : " (" + hint + ")"));
        }
        return v;
    }

    /** {@code obj.name} as an array of exactly {@code size} elements (any size when negative). */
    List<LocatedJson.Value> array(LocatedJson.Value obj, String name, int size, String hint) {
        LocatedJson.Value v = require(obj, name, name, hint);
        if (v.kind() != LocatedJson.Kind.ARRAY) {
            throw bad(v, name, "not an array, got '" + v.quoted() + "'");
        }
        if (size >= 0 && v.items().size() != size) {
            throw bad(v, name, "has " + v.items().size() + " elements, the other per-request arrays " + size
                    + ", got '" + v.items().size() + "'");
        }
        return v.items();
    }

    /** A time or duration in seconds, as whole microseconds in [0, 2^53]. */
    long secondsAsMicros(LocatedJson.Value v, String field) {
        BigDecimal s = finite(v, field);
        BigDecimal micros = s.movePointRight(6).setScale(0, RoundingMode.HALF_UP);
        if (micros.signum() < 0 || micros.compareTo(BigDecimal.valueOf(MAX_MICROS)) > 0) {
            throw bad(v, field, "must be between 0 and " + MAX_MICROS / 1_000_000 + " s (2^53 us), got '" + v.text() + "'");
        }
        return micros.longValueExact();
    }

    /** A token count >= {@code min}. */
    int count(LocatedJson.Value v, String field, int min) {
        BigDecimal n = finite(v, field);
        if (n.stripTrailingZeros().scale() > 0) {
            throw bad(v, field, "not an integer, got '" + v.text() + "'");
        }
        if (n.compareTo(BigDecimal.valueOf(min)) < 0 || n.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw bad(v, field, "must be >= " + min + ", got '" + v.text() + "'");
        }
        return n.intValueExact();
    }

    private BigDecimal finite(LocatedJson.Value v, String field) {
        if (v.kind() != LocatedJson.Kind.NUMBER) {
            throw bad(v, field, (v.kind() == LocatedJson.Kind.NULL ? "missing" : "not a number") + ", got '" + v.quoted() + "'");
        }
        try {
            return new BigDecimal(v.text());
        } catch (NumberFormatException e) { // Infinity, NaN
            throw bad(v, field, "not a finite number, got '" + v.text() + "'");
        }
    }

    /** A string, or "" for null; numbers and booleans as written. */
    static String text(LocatedJson.Value v) {
        return v == null || v.kind() == LocatedJson.Kind.NULL ? "" : v.text() == null ? "" : v.text();
    }
}
