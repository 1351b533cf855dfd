package io.cmbench.jobs;

import io.cmbench.schemas.LatencySummary;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Latency histograms (values in µs) and their wire form. Windows and scenarios merge exactly by
 * decoding and {@code add}ing the histograms carried in {@link LatencySummary#getHistogram()}.
 */
public final class LatencyHistograms {
    /** Significant decimal digits kept by every histogram: quantiles are exact to 0.1 %. */
    public static final int SIGNIFICANT_DIGITS = 3;

    private LatencyHistograms() {}

    /** An empty auto-resizing histogram with the project's precision. */
    public static Histogram newHistogram() {
        return new Histogram(SIGNIFICANT_DIGITS);
    }

    /**
     * Compressed encoding ({@code encodeIntoCompressedByteBuffer}) of a canonical copy: the header carries the
     * histogram's trackable range, which depends on its history (auto-resizes, a restore from a checkpoint), so the
     * same recorded values are re-recorded into a fresh histogram first — same values, same bytes.
     */
    public static byte[] encode(Histogram recorded) {
        Histogram h = newHistogram();
        for (org.HdrHistogram.HistogramIterationValue v : recorded.recordedValues()) {
            h.recordValueWithCount(v.getValueIteratedTo(), v.getCountAtValueIteratedTo());
        }
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity() + 64);
        int n = h.encodeIntoCompressedByteBuffer(buf);
        byte[] out = new byte[n];
        buf.flip();
        buf.get(out);
        return out;
    }

    public static Histogram decode(byte[] bytes) {
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
            h.setAutoResize(true);
            return h;
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not a compressed HdrHistogram (" + bytes.length + " bytes)", e);
        }
    }

    public static Histogram decode(ByteBuffer bytes) {
        ByteBuffer b = bytes.duplicate();
        byte[] arr = new byte[b.remaining()];
        b.get(arr);
        return decode(arr);
    }

    /** p50/p90/p99/p99.9/max and the encoded histogram; all zero for an empty histogram. */
    public static LatencySummary summary(Histogram h) {
        boolean empty = h.getTotalCount() == 0;
        return LatencySummary.newBuilder()
                .setCount(h.getTotalCount())
                .setP50Micros(empty ? 0 : h.getValueAtPercentile(50.0))
                .setP90Micros(empty ? 0 : h.getValueAtPercentile(90.0))
                .setP99Micros(empty ? 0 : h.getValueAtPercentile(99.0))
                .setP999Micros(empty ? 0 : h.getValueAtPercentile(99.9))
                .setMaxMicros(empty ? 0 : h.getMaxValue())
                .setHistogram(ByteBuffer.wrap(encode(h)))
                .build();
    }

    /** Sum of several encoded histograms (e.g. all windows of a scenario). */
    public static Histogram merge(Iterable<byte[]> encoded) {
        Histogram out = newHistogram();
        for (byte[] b : encoded) {
            out.add(decode(b));
        }
        return out;
    }
}
