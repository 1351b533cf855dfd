package io.cmbench.report;

/** A linear map from a data domain [d0, d1] to a pixel range [r0, r1] (r1 < r0 for a y axis). */
record Scale(double d0, double d1, double r0, double r1) {
    Scale {
        if (!(d1 != d0) || !Double.isFinite(d0) || !Double.isFinite(d1)) {
            throw new IllegalArgumentException("degenerate scale domain: " + d0 + " .. " + d1);
        }
    }

    double apply(double v) {
        return r0 + (v - d0) / (d1 - d0) * (r1 - r0);
    }

    /** Like {@link #apply} but clamped to the pixel range (for values outside the domain). */
    double clamped(double v) {
        double p = apply(v);
        double lo = Math.min(r0, r1);
        double hi = Math.max(r0, r1);
        return Math.max(lo, Math.min(hi, p));
    }
}
