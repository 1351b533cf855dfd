package io.cmbench.jobs.emulation;

import io.cmbench.jobs.serde.Envelope;
import io.cmbench.jobs.serde.RequestIdStateSerializer;
import io.cmbench.jobs.serde.SerializerTypeInfo;
import java.util.List;
import io.cmbench.jobs.serde.EnvelopeTypeInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
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
 * <p>Scale: the state per id ({@link RequestIdState}, one value: one lookup per event) is the held request until its
 * arrival, then only where the winner came from, for {@link #RETENTION_MICROS} of simulated time after the arrival
 * (or until the run's horizon, if that comes first); its operator ({@link DuplicateRequestIdsOperator}) drops it once
 * the watermark has passed that time. One event-time timer per id: its arrival. A copy of the same record (a producer's retry, a generator
 * replaying after a restart) has the same arrival time, and once the watermark has passed it any such copy is late
 * in its partition and dead-lettered by the source, so copies need no memory at all past the arrival; the retention
 * only catches a different request reusing an id. Ids reused further apart than the retention are two requests,
 * decided by their arrival times alone, not by whether the forget timer has fired when the second one comes.
 * Before, ids were kept until the horizon (an open-ended run: one simulated hour): the state grew with every request
 * of a long run until a live soak's TaskManager ran out of heap after ~10 minutes (docs/BENCHMARKS.md).
 */
public class DuplicateRequestIds extends CpuTimedKeyedProcessFunction<String, Envelope, Envelope> {
    private static final long serialVersionUID = 1L;
    public static final String STAGE = "dedup";
    /** How long an id is remembered after its arrival: one simulated minute. */
    public static final long RETENTION_MICROS = 60_000_000L;

    /** The one state value per id. */
    static final ValueStateDescriptor<RequestIdState> STATE = new ValueStateDescriptor<>("request-id",
            new SerializerTypeInfo<>(RequestIdState.class, RequestIdStateSerializer.INSTANCE));

    private final long horizonMicros;
    private final boolean horizonKnown;
    private transient ValueState<RequestIdState> ids;
    /** Where a decided id goes to be forgotten once the watermark passes its forget time ({@link DuplicateRequestIdsOperator}). */
    private transient Forgetting forgetting;

    /** Takes (forget time, id) of each decided id. */
    interface Forgetting {
        void forgetAt(long forgetAtMicros, String id);
    }

    /**
     * @param horizonMicros the run's latest accepted arrival
     * @param horizonKnown false for an open-ended run (ids are then forgotten only after {@link #RETENTION_MICROS})
     */
    public DuplicateRequestIds(long horizonMicros, boolean horizonKnown) {
        this.horizonMicros = horizonMicros;
        this.horizonKnown = horizonKnown;
    }

    @Override
    protected void setUp(OpenContext ctx) {
        ids = getRuntimeContext().getState(STATE);
    }

    void forgetVia(Forgetting f) {
        this.forgetting = f;
    }

    /** Under the current key: drops the id once its retention has ended at {@code watermarkMicros}. */
    void forgetIfDue(long watermarkMicros) throws java.io.IOException {
        RequestIdState id = ids.value();
        if (id != null && id.decided && id.forgetAtMicros <= watermarkMicros) {
            ids.clear();
        }
    }

    @Override
    public void processElement(Envelope e, Context ctx, Collector<Envelope> out) throws Exception {
        RequestIdState id = ids.value();
        if (id != null && id.decided && e.eventTime >= id.forgetAtMicros) {
            // the id's retention has ended at this request's arrival: it is a new request, whether or not the forget
            // timer has fired yet (which depends on how far the other partitions have been read: wall-clock timing)
            id = null;
        }
        if (id != null && id.decided) {
            ctx.output(Stages.DEAD_LETTERS, duplicate(e, ctx.getCurrentKey(), id.kept()));
            return;
        }
        // an id with state that is not decided holds a request
        if (id == null || before(e, id.held)) {
            boolean first = id == null;
            if (first) {
                id = new RequestIdState();
            } else {
                id.addLoser(id.held);
            }
            id.held = e;
            ctx.timerService().registerEventTimeTimer(e.eventTime);
            if (first) {
                id.forgetAtMicros = forgetAt(e.eventTime);
            }
        } else {
            id.addLoser(e);
        }
        ids.update(id);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Envelope> out) throws Exception {
        RequestIdState id = ids.value();
        if (id == null) {
            return;
        }
        Envelope h = id.held;
        if (h != null && h.eventTime == timestamp) {
            out.collect(h); // at its own arrival time: the timer's timestamp
            id.held = null;
            id.decided = true;
            id.keptPartition = h.partition;
            id.keptOffset = h.offset;
            id.keptArrivalMicros = h.eventTime;
            if (id.losers != null) {
                List<Envelope> lost = id.losers;
                lost.sort((a, b) -> before(a, b) ? -1 : before(b, a) ? 1 : 0); // not in the order they came in
                String kept = id.kept();
                for (Envelope loser : lost) {
                    ctx.output(Stages.DEAD_LETTERS, duplicate(loser, ctx.getCurrentKey(), kept));
                }
                id.losers = null;
            }
        }
        if (timestamp >= id.forgetAtMicros && id.held == null) {
            ids.clear(); // its retention ends at its arrival (the run's horizon), or a forget timer of an older savepoint
        } else if (h != null && id.held == null) {
            ids.update(id);
            if (forgetting == null) {
                throw new IllegalStateException("dedup runs under DuplicateRequestIdsOperator, which forgets decided ids");
            }
            forgetting.forgetAt(id.forgetAtMicros, ctx.getCurrentKey());
        }
    }

    private long forgetAt(long arrivalMicros) {
        long retained;
        try {
            retained = Math.addExact(arrivalMicros, RETENTION_MICROS);
        } catch (ArithmeticException overflow) {
            retained = Long.MAX_VALUE; // kept until the end of input
        }
        return horizonKnown ? Math.min(retained, Math.max(arrivalMicros, horizonMicros)) : retained;
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

    private static io.cmbench.schemas.DeadLetter duplicate(Envelope e, String id, String kept) {
        return Stages.deadLetter(STAGE, e, "requestId", "duplicate requestId '" + id + "': the request from " + kept
                + " is kept");
    }
}
