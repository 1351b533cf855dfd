package io.cmbench.report;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Latency histograms as carried in SloWindow records (HdrHistogram, compressed encoding, values in µs):
 * decoding, exact merging over windows, percentiles and equal-width bins for distribution charts.
 */
final class Histograms {
    /** The precision the analytics job records with (LatencyHistograms.SIGNIFICANT_DIGITS). */
    static final int SIGNIFICANT_DIGITS = 3;

    private Histograms() {}

    static Histogram decode(byte[] compressed) {
        if (compressed == null || compressed.length == 0) {
            return empty();
        }
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(compressed), 0);
            h.setAutoResize(true);
            return h;
        } catch (DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("not a compressed HdrHistogram (" + compressed.length + " bytes)", e);
        }
    }

    static Histogram empty() {
        return new Histogram(SIGNIFICANT_DIGITS); // auto-resizing
    }

    /** The exact sum of the encoded histograms. */
    static Histogram merge(Iterable<byte[]> encoded) {
        Histogram sum = empty();
        for (byte[] b : encoded) {
            sum.add(decode(b));
        }
        return sum;
    }

    /** count, p50, p90, p99, p99.9 and max in ms; all zero for an empty histogram. */
    static RunData.Latency latency(Histogram h) {
        if (h.getTotalCount() == 0) {
            return RunData.Latency.empty();
        }
        return new RunData.Latency(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    /** One bin [lo, hi) in the histogram's unit, with the count of recorded values in it. */
    record Bin(double lo, double hi, long count) {
        double mid() {
            return (lo + hi) / 2;
        }

        double geometricMid() {
            return Math.sqrt(lo * hi);
        }
    }

    /**
     * {@code n} equal-width bins over [lo, hi]; every recorded value (at its median-equivalent value) falls
     * into exactly one bin, values below {@code lo} into the first and above {@code hi} into the last, so
     * the counts always sum to the histogram's total count.
     */
    static List<Bin> bins(Histogram h, double lo, double hi, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("bins must be positive: " + n);
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        double width = (hi - lo) / n;
        long[] counts = new long[n];
        for (HistogramIterationValue v : h.recordedValues()) {
            double x = h.medianEquivalentValue(v.getValueIteratedTo());
            int i = (int) Math.floor((x - lo) / width);
            counts[Math.max(0, Math.min(n - 1, i))] += v.getCountAtValueIteratedTo();
        }
        List<Bin> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Bin(lo + i * width, lo + (i + 1) * width, counts[i]));
        }
        return out;
    }

    /**
     * {@code n} bins of equal width in log space over [lo, hi] (0 < lo < hi), for distributions spanning
     * orders of magnitude; out-of-range values are clamped into the end bins as in {@link #bins}.
     */
    static List<Bin> logBins(Histogram h, double lo, double hi, int n) {
        if (n <= 0 || !(lo > 0) || !(hi > lo)) {
            throw new IllegalArgumentException("log bins need n > 0 and 0 < lo < hi: " + n + ", " + lo + ", " + hi);
        }
        double l0 = Math.log(lo);
        double step = (Math.log(hi) - l0) / n;
        long[] counts = new long[n];
        for (HistogramIterationValue v : h.recordedValues()) {
            double x = Math.max(h.medianEquivalentValue(v.getValueIteratedTo()), Double.MIN_NORMAL);
            int i = (int) Math.floor((Math.log(x) - l0) / step);
            counts[Math.max(0, Math.min(n - 1, i))] += v.getCountAtValueIteratedTo();
        }
        List<Bin> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Bin(Math.exp(l0 + i * step), Math.exp(l0 + (i + 1) * step), counts[i]));
        }
        return out;
    }
}
