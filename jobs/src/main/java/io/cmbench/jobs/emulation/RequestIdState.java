package io.cmbench.jobs.emulation;

import io.cmbench.jobs.serde.Envelope;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything {@link DuplicateRequestIds} keeps for one request id, in one state value: one state lookup per event
 * instead of one per field (the lookups dominated the operator). Mutated in place, then written back.
 */
public final class RequestIdState {
    /** The smallest request of this id so far, held until the watermark reaches its arrival; null once passed on. */
    public Envelope held;
    /** Requests of this id that lost to {@link #held} before it was passed on (null: none). */
    public List<Envelope> losers;
    /** True once a request of this id was passed on; the kept* fields say which. */
    public boolean decided;
    public int keptPartition;
    public long keptOffset;
    public long keptArrivalMicros;
    /** When this id is forgotten (simulated µs). */
    public long forgetAtMicros;

    public RequestIdState() {}

    void addLoser(Envelope e) {
        if (losers == null) {
            losers = new ArrayList<>(1);
        }
        losers.add(e);
    }

    /** The kept request's origin as the dead letters of its duplicates name it. */
    String kept() {
        return "partition " + keptPartition + " offset " + keptOffset + ", arrival " + keptArrivalMicros;
    }
}
