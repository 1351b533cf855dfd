package io.cmbench.jobs;

import java.util.Properties;

/** Small validation helpers shared by the job configs. */
final class Configs {
    private Configs() {}

    static void requireNonBlank(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank, got " + (value == null ? "null" : "'" + value + "'"));
        }
    }

    static void require(boolean ok, String field, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(field + " " + rule + ", got " + value);
        }
    }

    static Properties copy(Properties p) {
        Properties out = new Properties();
        if (p != null) {
            out.putAll(p);
        }
        return out;
    }
}
