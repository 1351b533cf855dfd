package io.cmbench.model.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Parsing of option values with one-line errors, number formatting and JSON output. */
final class CliSupport {
    private CliSupport() {}

    static final int EXIT_OK = 0;

    /**
     * A bad option value; the command throws it on as a picocli ParameterException, which the launcher prints as one
     * line ({@code OPTION: reason, got 'value'}) with exit code 2.
     */
    static final class BadOption extends RuntimeException {
        BadOption(String option, String value, String reason) {
            super(option + ": " + reason + ", got '" + value + "'");
        }
    }

    static int positiveInt(String option, String v) {
        try {
            int i = Integer.parseInt(v.trim());
            if (i <= 0) throw new BadOption(option, v, "must be a positive integer");
            return i;
        } catch (NumberFormatException e) {
            throw new BadOption(option, v, "must be a positive integer");
        }
    }

    static int nonNegativeInt(String option, String v) {
        try {
            int i = Integer.parseInt(v.trim());
            if (i < 0) throw new BadOption(option, v, "must be an integer >= 0");
            return i;
        } catch (NumberFormatException e) {
            throw new BadOption(option, v, "must be an integer >= 0");
        }
    }

    static double positiveDouble(String option, String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d > 0) || !Double.isFinite(d)) throw new BadOption(option, v, "must be a positive number");
            return d;
        } catch (NumberFormatException e) {
            throw new BadOption(option, v, "must be a positive number");
        }
    }

    static double fraction(String option, String v, boolean allowOne) {
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d >= 0 && (allowOne ? d <= 1 : d < 1))) throw new BadOption(option, v, "must be in [0, 1" + (allowOne ? "]" : ")"));
            return d;
        } catch (NumberFormatException e) {
            throw new BadOption(option, v, "must be a number in [0, 1" + (allowOne ? "]" : ")"));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static double r(double v, int digits) {
        double s = Math.pow(10, digits);
        return Math.round(v * s) / s;
    }

    static String f(double v, int digits) {
        return String.format(Locale.ROOT, "%,." + digits + "f", v);
    }

    /** Prints a two-column table of operator -> µs. */
    static void table(PrintWriter out, String title, Map<String, Double> rows, String unit) {
        out.println(title);
        int w = 8;
        for (String k : rows.keySet()) w = Math.max(w, k.length());
        for (Map.Entry<String, Double> e : rows.entrySet()) {
            out.printf(Locale.ROOT, "  %-" + w + "s %12s %s%n", e.getKey(), f(e.getValue(), 1), unit);
        }
    }

    /**
     * A map in the order its pairs are given (key, value, key, value, ...): the command's tables and JSON print in the
     * same order on every run ({@code Map.of} iterates in an order that changes from one JVM to the next).
     */
    @SuppressWarnings("unchecked")
    static <V> java.util.Map<String, V> inOrder(Object... keyValues) {
        java.util.Map<String, V> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], (V) keyValues[i + 1]);
        return m;
    }
}
