package io.cmbench.jobs.source;

import java.util.Objects;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;

/**
 * A Kafka partition split with the partition's position in event time ({@link PartitionPosition}) at the split's
 * offset: what the reader's checkpoint holds for each partition, so offset and position are restored together. A
 * plain {@link KafkaPartitionSplit} (as the enumerator hands out) starts at the beginning of its partition, at
 * position 0.
 */
public final class PositionedSplit extends KafkaPartitionSplit {
    private final long positionMicros;

    public PositionedSplit(KafkaPartitionSplit split, long positionMicros) {
        super(split.getTopicPartition(), split.getStartingOffset(),
                split.getStoppingOffset().orElse(KafkaPartitionSplit.NO_STOPPING_OFFSET));
        this.positionMicros = positionMicros;
    }

    /** The position of {@code split}'s partition at its starting offset. */
    static long positionOf(KafkaPartitionSplit split) {
        return split instanceof PositionedSplit p ? p.positionMicros : 0L;
    }

    public long positionMicros() {
        return positionMicros;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PositionedSplit p && super.equals(p) && p.positionMicros == positionMicros;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), positionMicros);
    }

    @Override
    public String toString() {
        return super.toString() + " at position " + positionMicros;
    }
}
