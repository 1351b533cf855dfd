package io.cmbench.jobs.emulation;

import io.cmbench.jobs.serde.Envelope;
import io.cmbench.jobs.serde.EnvelopeTypeInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by request id: passes one request per id and dead-letters the others, naming the id.
 *
 * <p>Which one passes must not depend on which arrives first at this operator (two partitions interleave by
 * wall-clock timing). So a request is held until the watermark reaches its arrival, and the smallest by
 * (arrival, partition, offset) of those held wins. A duplicate that arrives later than the winner's arrival time
 * loses either way: if it comes while the winner is held it is the larger, if after, the winner has gone. Losers
 * seen before the winner is decided wait with it, so that every dead letter names the final winner. Holding costs
 * nothing in results: every downstream stage waits for the watermark anyway.
 *
 * <p>Scale: the state per id is the held request until its arrival, then only where the winner came from. That
 * memory is kept until the run's horizon (a duplicate cannot arrive later), or, in a run with no known horizon, for
 * {@link #OPEN_RUN_RETENTION_MICROS} of simulated time after the arrival, so the state of an endless run stays
 * bounded by the arrivals of that period; ids repeated further apart than that are not detected there.
 */
public class DuplicateRequestIds extends KeyedProcessFunction<String, Envelope, Envelope> {
    private static final long serialVersionUID = 1L;
    public static final String STAGE = "dedup";
    /** How long an open-ended run remembers an id: one simulated hour. */
    public static final long OPEN_RUN_RETENTION_MICROS = 3_600_000_000L;

    private final long horizonMicros;
    private final boolean horizonKnown;
    private transient ValueState<Envelope> held;
    private transient ListState<Envelope> losers;
    private transient ValueState<String> winner;
    private transient ValueState<Long> forgetAtMicros;

    /**
     * @param horizonMicros the run's latest accepted arrival
     * @param horizonKnown false for an open-ended run (ids are then forgotten after {@link #OPEN_RUN_RETENTION_MICROS})
     */
    public DuplicateRequestIds(long horizonMicros, boolean horizonKnown) {
        this.horizonMicros = horizonMicros;
        this.horizonKnown = horizonKnown;
    }

    @Override
    public void open(OpenContext ctx) {
        held = getRuntimeContext().getState(new ValueStateDescriptor<>("held", EnvelopeTypeInfo.INSTANCE));
        losers = getRuntimeContext().getListState(new ListStateDescriptor<>("losers", EnvelopeTypeInfo.INSTANCE));
        winner = getRuntimeContext().getState(new ValueStateDescriptor<>("winner", Types.STRING));
        forgetAtMicros = getRuntimeContext().getState(new ValueStateDescriptor<>("forget-at", Types.LONG));
    }

    @Override
    public void processElement(Envelope e, Context ctx, Collector<Envelope> out) throws Exception {
        String id = ctx.getCurrentKey();
        String taken = winner.value();
        if (taken != null) {
            ctx.output(Stages.DEAD_LETTERS, duplicate(e, id, taken));
            return;
        }
        Envelope h = held.value();
        if (h == null || before(e, h)) {
            if (h != null) {
                losers.add(h);
            }
            held.update(e);
            ctx.timerService().registerEventTimeTimer(e.eventTime);
            if (forgetAtMicros.value() == null) {
                long forget = forgetAt(e.eventTime);
                forgetAtMicros.update(forget);
                ctx.timerService().registerEventTimeTimer(forget);
            }
        } else {
            losers.add(e);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Envelope> out) throws Exception {
        Envelope h = held.value();
        if (h != null && h.eventTime == timestamp) {
            out.collect(h); // at its own arrival time: the timer's timestamp
            held.clear();
            String kept = where(h);
            winner.update(kept);
            java.util.List<Envelope> lost = new java.util.ArrayList<>();
            losers.get().forEach(lost::add);
            lost.sort((a, b) -> before(a, b) ? -1 : before(b, a) ? 1 : 0); // not in the order they came in
            for (Envelope loser : lost) {
                ctx.output(Stages.DEAD_LETTERS, duplicate(loser, ctx.getCurrentKey(), kept));
            }
            losers.clear();
        }
        Long forget = forgetAtMicros.value();
        if (forget != null && timestamp >= forget && held.value() == null) {
            winner.clear();
            forgetAtMicros.clear();
        }
    }

    private long forgetAt(long arrivalMicros) {
        if (horizonKnown) {
            return Math.max(arrivalMicros, horizonMicros);
        }
        try {
            return Math.addExact(arrivalMicros, OPEN_RUN_RETENTION_MICROS);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE; // kept until the end of input
        }
    }

    /** The deterministic order among requests of one id: arrival, then where they were read from. */
    private static boolean before(Envelope a, Envelope b) {
        if (a.eventTime != b.eventTime) {
            return a.eventTime < b.eventTime;
        }
        if (a.partition != b.partition) {
            return a.partition < b.partition;
        }
        return a.offset < b.offset;
    }

    private static String where(Envelope e) {
        return "partition " + e.partition + " offset " + e.offset + ", arrival " + e.eventTime;
    }

    private static io.cmbench.schemas.DeadLetter duplicate(Envelope e, String id, String kept) {
        return Stages.deadLetter(STAGE, e, "requestId", "duplicate requestId '" + id + "': the request from " + kept
                + " is kept");
    }
}
