package io.cmbench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * "Nice" axis ticks: a step of 1, 2, 2.5 or 5 × 10^k chosen so that at most {@code maxTicks} ticks cover
 * the data, and the axis domain extended outward to whole steps.
 */
record Ticks(double lo, double hi, double step, List<Double> values) {

    private static final double[] MANTISSAS = {1, 2, 2.5, 5, 10};

    /** Ticks covering [min, max] with at most {@code maxTicks} (≥ 2) tick values. */
    static Ticks of(double min, double max, int maxTicks) {
        if (maxTicks < 2) {
            throw new IllegalArgumentException("maxTicks must be at least 2: " + maxTicks);
        }
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("non-finite axis range: " + min + " .. " + max);
        }
        if (min > max) {
            double t = min;
            min = max;
            max = t;
        }
        if (min == max) { // a flat series: give it a visible range around the value
            double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
            min = min >= 0 && min - pad < 0 ? 0 : min - pad;
            max = max + pad;
        }
        double raw = (max - min) / (maxTicks - 1);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = 10 * mag;
        for (double m : MANTISSAS) {
            double s = m * mag;
            double lo = Math.floor(min / s + 1e-9) * s;
            double hi = Math.ceil(max / s - 1e-9) * s;
            if (Math.round((hi - lo) / s) + 1 <= maxTicks) {
                step = s;
                break;
            }
        }
        double lo = Math.floor(min / step + 1e-9) * step;
        double hi = Math.ceil(max / step - 1e-9) * step;
        long n = Math.round((hi - lo) / step);
        List<Double> values = new ArrayList<>();
        for (long i = 0; i <= n; i++) {
            values.add(clean(lo + i * step, step));
        }
        return new Ticks(clean(lo, step), clean(hi, step), step, List.copyOf(values));
    }

    /**
     * Ticks for a logarithmic axis over [min, max] (both > 0): 1, 2, 5 × 10^k, or only the powers of ten when
     * that would give more than {@code maxTicks}; the domain extends outward to the nearest tick. The step is
     * NaN (ticks are not evenly spaced).
     */
    static Ticks log(double min, double max, int maxTicks) {
        if (!(min > 0) || !(max > 0) || !Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("log axis needs a positive finite range: " + min + " .. " + max);
        }
        if (min > max) {
            double t = min;
            min = max;
            max = t;
        }
        int k0 = (int) Math.floor(Math.log10(min) + 1e-9);
        int k1 = (int) Math.ceil(Math.log10(max) - 1e-9);
        if (k1 == k0) {
            k1++;
        }
        for (double[] mantissas : new double[][] {{1, 2, 5}, {1}}) {
            List<Double> all = new ArrayList<>();
            for (int k = k0; k <= k1; k++) {
                for (double m : mantissas) {
                    all.add(m * Math.pow(10, k));
                }
            }
            double lo = all.get(0);
            double hi = all.get(all.size() - 1);
            for (double v : all) {
                if (v <= min * (1 + 1e-9)) {
                    lo = v;
                }
            }
            for (int i = all.size() - 1; i >= 0; i--) {
                if (all.get(i) >= max * (1 - 1e-9)) {
                    hi = all.get(i);
                }
            }
            List<Double> values = new ArrayList<>();
            for (double v : all) {
                if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
                    values.add(clean(v, v / 10));
                }
            }
            if (values.size() <= maxTicks || mantissas.length == 1) {
                return new Ticks(clean(lo, lo / 10), clean(hi, hi / 10), Double.NaN, List.copyOf(values));
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** Removes floating-point noise (0.30000000000000004 → 0.3) at the step's precision. */
    private static double clean(double v, double step) {
        double q = Math.pow(10, Math.max(0, -Math.floor(Math.log10(step))) + 2);
        double r = Math.round(v * q) / q;
        return r == 0 ? 0 : r; // no -0
    }

    /** Decimal places needed to print every tick of this step exactly (0 for whole steps). */
    static int decimals(double step) {
        for (int d = 0; d < 10; d++) {
            double scaled = step * Math.pow(10, d);
            if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) {
                return d;
            }
        }
        return 10;
    }

    /** Tick labels: thousands separators, and as many decimals as the step needs (each its own on a log axis). */
    List<String> labels() {
        List<String> out = new ArrayList<>(values.size());
        for (double v : values) {
            out.add(Fmt.num(v, Double.isNaN(step) ? decimals(v) : decimals(step)));
        }
        return out;
    }
}
