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
 *
 * <p>The requests' watermark moves in steps of {@link #REQUEST_STEP_MICROS} ({@link #requests()}): each watermark goes
 * to every subtask of every stage downstream and was the emulation's most frequent event (one per request per
 * channel, some 20 per request at parallelism 2). No result depends on the step: every emulation stage handles its
 * input on event-time timers in (time, request id) order, and a timer at t fires once the watermark reaches t, however
 * many steps it took to get there; the watermarks are still a function of each partition's records alone.
 */
public final class EnvelopeWatermarks {
    private EnvelopeWatermarks() {}

    /** The step of the requests' watermark: 10 simulated ms, far below any window or latency the results report. */
    public static final long REQUEST_STEP_MICROS = 10_000L;

    /** The requests topic's watermarks: ordered partitions, in steps of {@link #REQUEST_STEP_MICROS}. */
    public static WatermarkStrategy<Envelope> requests() {
        return strategy(0, REQUEST_STEP_MICROS);
    }

    /**
     * @param outOfOrdernessMicros bounded out-of-orderness; 0 for ordered partitions; -1 = no watermark until the
     *     end of a bounded input (the final watermark then fires everything)
     */
    public static WatermarkStrategy<Envelope> strategy(long outOfOrdernessMicros) {
        return strategy(outOfOrdernessMicros, 1);
    }

    /**
     * @param outOfOrdernessMicros as {@link #strategy(long)}
     * @param stepMicros a watermark is emitted once it has risen by at least this much (1 = whenever it rises)
     */
    public static WatermarkStrategy<Envelope> strategy(long outOfOrdernessMicros, long stepMicros) {
        if (outOfOrdernessMicros < -1) {
            throw new IllegalArgumentException("outOfOrdernessMicros must be >= -1, got " + outOfOrdernessMicros);
        }
        if (stepMicros < 1) {
            throw new IllegalArgumentException("stepMicros must be >= 1, got " + stepMicros);
        }
        return WatermarkStrategy.<Envelope>forGenerator(ctx -> new Generator(outOfOrdernessMicros, stepMicros))
                .withTimestampAssigner((e, previous) -> e.valid() ? e.eventTime : Long.MIN_VALUE);
    }

    /** Emits {@code max valid time - outOfOrderness - 1} whenever a record raises it by at least the step. */
    static final class Generator implements WatermarkGenerator<Envelope> {
        private final long outOfOrdernessMicros;
        private final long stepMicros;
        private long lastEmittedMicros = Long.MIN_VALUE;

        Generator(long outOfOrdernessMicros, long stepMicros) {
            this.outOfOrdernessMicros = outOfOrdernessMicros;
            this.stepMicros = stepMicros;
        }

        @Override
        public void onEvent(Envelope e, long timestamp, WatermarkOutput out) {
            if (!e.valid() || outOfOrdernessMicros < 0) {
                return;
            }
            // valid times are in [0, RequestRules.MAX_ARRIVAL_MICROS]: no overflow; still, fail loudly rather than wrap
            long wm = Math.subtractExact(Math.subtractExact(e.eventTime, outOfOrdernessMicros), 1);
            if (lastEmittedMicros == Long.MIN_VALUE ? wm > lastEmittedMicros : wm - lastEmittedMicros >= stepMicros) {
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
