package io.cmbench.jobs.serde;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event-time watermarks from the payload's simulated time. Flink timestamps and watermarks carry simulated
 * MICROSECONDS directly. Invalid records get no timestamp and do not move the watermark; heartbeats do.
 * Used in the Kafka sources (one generator per partition) and by tests on in-memory streams.
 */
public final class EnvelopeWatermarks {
    private EnvelopeWatermarks() {}

    /**
     * @param outOfOrdernessMicros bounded out-of-orderness; 0 for ordered partitions; -1 = no watermark until the
     *     end of a bounded input (the final watermark then fires everything)
     */
    public static WatermarkStrategy<Envelope> strategy(long outOfOrdernessMicros) {
        return WatermarkStrategy.<Envelope>forGenerator(ctx -> new Generator(outOfOrdernessMicros))
                .withTimestampAssigner((e, previous) -> e.valid() ? e.eventTime : Long.MIN_VALUE);
    }

    static final class Generator implements WatermarkGenerator<Envelope> {
        private final long outOfOrderness;
        private long max = Long.MIN_VALUE;
        private long lastEmitted = Long.MIN_VALUE;

        Generator(long outOfOrderness) {
            this.outOfOrderness = outOfOrderness;
        }

        @Override
        public void onEvent(Envelope e, long ts, WatermarkOutput out) {
            if (e.valid() && e.eventTime > max) {
                max = e.eventTime;
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput out) {
            if (outOfOrderness < 0 || max == Long.MIN_VALUE) {
                return;
            }
            long wm = max - outOfOrderness - 1;
            if (wm > lastEmitted) {
                lastEmitted = wm;
                out.emitWatermark(new Watermark(wm));
            }
        }
    }
}
