package io.cmbench.model;

/** The roofline of one operator: it takes the longer of its compute and its memory traffic. */
final class Roofline {
    private Roofline() {}

    /** Seconds: {@code flops} at {@code rate} ops/s, or {@code bytes} at {@code bw} bytes/s, whichever is longer. */
    static double roof(double flops, double rate, double bytes, double bw) {
        return Math.max(flops / rate, bytes / bw);
    }
}
