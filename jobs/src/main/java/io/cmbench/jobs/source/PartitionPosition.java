package io.cmbench.jobs.source;

import io.cmbench.jobs.serde.Envelope;

/**
 * One Kafka partition's position in event time: the latest arrival of a request or heartbeat read from it, 0 before
 * the first (the run's start). Judges each valid record of the partition against it before the record reaches the
 * partition's watermark generator, so that neither a late nor a hostile record can move a watermark:
 * <ul>
 *   <li>earlier than the position: late (the partition's watermark may already have passed it);
 *   <li>more than the max lead after it: too far ahead (accepted, it would raise the watermark past the partition's
 *       records still to come and make them all late);
 *   <li>otherwise it advances the position.
 * </ul>
 * Judged within the partition, the verdict depends only on the partition's own records and their order, never on how
 * far other partitions had been read, so the same topic gives the same dead letters at any parallelism. The position
 * is checkpointed with the partition's offset ({@link PositionedSplit}), so a restored job judges the records after
 * the offset exactly as an undisturbed one would.
 */
final class PartitionPosition {
    private final long maxLeadMicros;
    private long micros;

    PartitionPosition(long micros, long maxLeadMicros) {
        this.micros = micros;
        this.maxLeadMicros = maxLeadMicros;
    }

    long micros() {
        return micros;
    }

    /** Marks {@code e} late or too far ahead, or advances the position to it; invalid records pass untouched. */
    Envelope admit(Envelope e) {
        if (!e.valid()) {
            return e; // no usable time: moves nothing
        }
        if (e.eventTime < micros) {
            e.markLate(micros);
        } else if (e.eventTime - micros > maxLeadMicros) { // both in [0, MAX_ARRIVAL_MICROS]: no overflow
            e.markTooFarAhead(micros, maxLeadMicros);
        } else {
            micros = e.eventTime;
        }
        return e;
    }
}
