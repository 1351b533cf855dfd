package io.cmbench.cli;

import io.cmbench.loadgen.RequestStream;
import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.RequestEvent;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * What a live run publishes, in one paced schedule: the workload's stream until it ends or the run is stopped
 * (Ctrl-C), then drain heartbeats on the heartbeat grid after the last event, until every request has completed or
 * the drain limit is reached. The emulation's watermark only moves with what it reads, so without these its requests
 * in flight at the end would wait for the final watermark; with them the end of the run closes live, at the same pace,
 * and the live windows keep appearing. Heartbeats carry no request: the completions do not change.
 *
 * <p>{@code check} runs about once a wall-clock second (a failed job ends the run instead of pacing on for nothing).
 */
final class LiveSchedule implements Iterator<RequestEvent> {
    private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

    private final RequestStream stream;
    private final AtomicBoolean stop;
    private final BooleanSupplier allCompleted;
    private final long drainLimitMicros;
    private final Runnable check;
    private long nextHeartbeatMicros = -1;
    private long drainEndMicros;
    private long heartbeatIndex;
    private boolean ended;
    private long lastCheckNanos = System.nanoTime();

    /**
     * @param allCompleted true once every request published has completed (asked only while draining)
     * @param drainLimitMicros the longest drain, simulated µs after the last event
     */
    LiveSchedule(RequestStream stream, AtomicBoolean stop, BooleanSupplier allCompleted, long drainLimitMicros,
                 Runnable check) {
        this.stream = stream;
        this.stop = stop;
        this.allCompleted = allCompleted;
        this.drainLimitMicros = drainLimitMicros;
        this.check = check;
    }

    /** True once the workload's stream ended or was stopped: what follows are drain heartbeats. */
    boolean draining() {
        return nextHeartbeatMicros >= 0;
    }

    /** The last arrival of the run: the end of the stream's span, or its last event when it was stopped. */
    long lastArrivalMicros() {
        return stream.lastEventMicros();
    }

    @Override
    public boolean hasNext() {
        if (ended) {
            return false;
        }
        long now = System.nanoTime();
        if (now - lastCheckNanos >= CHECK_EVERY_NANOS) {
            lastCheckNanos = now;
            check.run();
        }
        if (!draining()) {
            if (!stop.get() && stream.hasNext()) {
                return true;
            }
            long h = stream.spec().heartbeatIntervalMicros();
            long last = stream.lastEventMicros();
            nextHeartbeatMicros = (last / h + 1) * h; // the grid: within one interval of every partition's latest
            drainEndMicros = last + drainLimitMicros;
            heartbeatIndex = stream.heartbeatsEmitted();
        }
        if (allCompleted.getAsBoolean() || nextHeartbeatMicros > drainEndMicros) {
            ended = true;
            return false;
        }
        return true;
    }

    @Override
    public RequestEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        if (!draining()) {
            return stream.next();
        }
        long at = nextHeartbeatMicros;
        nextHeartbeatMicros += stream.spec().heartbeatIntervalMicros();
        return new RequestEvent(EventKind.HEARTBEAT, RequestStream.heartbeatId(heartbeatIndex++), at, 0, 0,
                Collections.emptyList(), 0, RequestStream.HEARTBEAT_CLASS);
    }
}
