package io.cmbench.jobs.serde;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event-time watermarks from the payload's simulated time. Flink timestamps and watermarks carry simulated
 * MICROSECONDS directly. Invalid records get no timestamp and do not move the watermark; heartbeats do.
 * Used in the Kafka sources (one generator per partition) and by tests on in-memory streams.
 *
 * <p>Punctuated: a watermark is emitted while handling a record, never on Flink's periodic timer. A periodic
 * watermark reflects how far the partition had been read when the wall-clock timer fired, so which records end up
 * behind it changed from run to run; here every watermark is a function of the partition's records and their order
 * alone. A bounded run still completes every request: the generator's final heartbeat reaches every partition, and
 * the end of a bounded source emits the final watermark.
 */
public final class EnvelopeWatermarks {
    private EnvelopeWatermarks() {}

    /**
     * @param outOfOrdernessMicros bounded out-of-orderness; 0 for ordered partitions; -1 = no watermark until the
     *     end of a bounded input (the final watermark then fires everything)
     */
    public static WatermarkStrategy<Envelope> strategy(long outOfOrdernessMicros) {
        if (outOfOrdernessMicros < -1) {
            throw new IllegalArgumentException("outOfOrdernessMicros must be >= -1, got " + outOfOrdernessMicros);
        }
        return WatermarkStrategy.<Envelope>forGenerator(ctx -> new Generator(outOfOrdernessMicros))
                .withTimestampAssigner((e, previous) -> e.valid() ? e.eventTime : Long.MIN_VALUE);
    }

    /** Emits {@code max valid time - outOfOrderness - 1} whenever a record raises it. */
    static final class Generator implements WatermarkGenerator<Envelope> {
        private final long outOfOrdernessMicros;
        private long lastEmittedMicros = Long.MIN_VALUE;

        Generator(long outOfOrdernessMicros) {
            this.outOfOrdernessMicros = outOfOrdernessMicros;
        }

        @Override
        public void onEvent(Envelope e, long timestamp, WatermarkOutput out) {
            if (!e.valid() || outOfOrdernessMicros < 0) {
                return;
            }
            // valid times are in [0, RequestRules.MAX_ARRIVAL_MICROS]: no overflow; still, fail loudly rather than wrap
            long wm = Math.subtractExact(Math.subtractExact(e.eventTime, outOfOrdernessMicros), 1);
            if (wm > lastEmittedMicros) {
                lastEmittedMicros = wm;
                out.emitWatermark(new Watermark(wm));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput out) {
            // deliberately nothing: see the class comment
        }
    }
}
