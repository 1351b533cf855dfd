package io.cmbench.jobs.serde;

import java.util.HashMap;
import java.util.Map;

/**
 * Judges lateness per partition, at the source: a valid record whose arrival is earlier than one already read from
 * the same partition is marked late. Judged against the watermark of the operator instead, the verdict would depend
 * on how far the <em>other</em> partitions of the reader had been read at that moment (wall-clock timing); judged
 * here it depends only on the partition's own order, so the same topic gives the same dead letters at any
 * parallelism. A record accepted here is after its partition's watermark ({@link EnvelopeWatermarks}), hence after
 * every watermark downstream.
 *
 * <p>Not checkpointed (like Flink's watermark generators): after a restore each partition starts afresh from its
 * restored offset.
 */
public final class PartitionArrivalOrder {
    private final Map<Integer, Long> latestMicrosByPartition = new HashMap<>();

    /** Marks {@code e} late when its partition is already past it; otherwise records its arrival. */
    public Envelope admit(Envelope e) {
        if (!e.valid()) {
            return e; // invalid records have no time and move nothing
        }
        Long latest = latestMicrosByPartition.get(e.partition);
        if (latest != null && e.eventTime < latest) {
            e.markLate(latest);
        } else {
            latestMicrosByPartition.put(e.partition, e.eventTime);
        }
        return e;
    }
}
