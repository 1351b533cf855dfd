package io.cmbench.report;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** Escaping and number formatting for the HTML (locale-independent: always "1,943.5"). */
final class Fmt {
    private Fmt() {}

    /** HTML/SVG text and attribute escaping. */
    static String esc(Object o) {
        if (o == null) {
            return "";
        }
        String s = o.toString();
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A number with thousands separators and exactly {@code decimals} decimals; "–" for NaN/null. */
    static String num(Double v, int decimals) {
        if (v == null || !Double.isFinite(v)) {
            return "–";
        }
        StringBuilder pattern = new StringBuilder("#,##0");
        if (decimals > 0) {
            pattern.append('.').append("0".repeat(decimals));
        }
        DecimalFormat f = new DecimalFormat(pattern.toString(), DecimalFormatSymbols.getInstance(Locale.ROOT));
        String s = f.format(v);
        return s.startsWith("-") && s.matches("-[0.,]+") ? s.substring(1) : s; // no "-0.0"
    }

    /** Sensible precision for a value shown alone: 3 significant digits, whole numbers from 100. */
    static String auto(double v) {
        double a = Math.abs(v);
        if (a >= 100 || a == 0 || (v == Math.rint(v) && a < 1e15)) {
            return num(v, 0);
        }
        if (a >= 10) {
            return num(v, 1);
        }
        if (a >= 1) {
            return num(v, 2);
        }
        return num(v, 3);
    }

    /** A latency pair "p50 / p99" with its unit: ms, or s from 10,000 ms up. */
    static String[] latencyPair(double aMs, double bMs) {
        if (Math.max(aMs, bMs) >= 10_000) {
            return new String[] {auto(aMs / 1000) + " / " + auto(bMs / 1000), "s"};
        }
        return new String[] {auto(aMs) + " / " + auto(bMs), "ms"};
    }

    static String pct(double fraction) {
        return num(fraction * 100, 1) + " %";
    }

    /** An SVG coordinate: 2 decimals, no exponent. */
    static String px(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("non-finite coordinate: " + v);
        }
        double r = Math.round(v * 100) / 100.0;
        if (r == Math.rint(r)) {
            return Long.toString((long) r);
        }
        return Double.toString(r);
    }
}
