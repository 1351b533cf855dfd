package io.cmbench.jobs.source;

import io.cmbench.jobs.serde.Envelope;
import io.cmbench.jobs.serde.EnvelopeTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The requests source: a {@link KafkaSource} whose partitions must each be in event-time order. Each record is judged
 * against its partition's position ({@link PartitionPosition}: late, too far ahead, or accepted) between the
 * deserializer and the partition's watermark generator, and each partition's position is checkpointed with its
 * offset, in the split state.
 *
 * <p>Why in the split state, rather than in an operator after the source holding (union list) state keyed by
 * partition: the judgement must come before the per-partition watermark generators, which live inside the source, or
 * a hostile record would move a watermark before it is refused; moving watermark generation behind such an operator
 * would leave one generator per subtask instead of per partition, which cannot tell which partitions it has not heard
 * from yet. In the split, the position is restored exactly with the offset it belongs to, redistributed with its
 * partition when the parallelism changes, and never judged against records of another partition.
 *
 * <p>The enumerator is Kafka's: a split it hands out is read from the start of its partition (the job reads from the
 * earliest offset), so it starts at position 0, the run's start.
 */
public final class PartitionOrderSource
        implements Source<Envelope, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<Envelope> {
    private static final long serialVersionUID = 1L;

    private final KafkaSource<Envelope> kafka;
    private final long maxLeadMicros;

    /**
     * @param kafka reading its partitions from the earliest offset
     * @param maxLeadMicros how far a record may be ahead of its partition's position
     */
    public PartitionOrderSource(KafkaSource<Envelope> kafka, long maxLeadMicros) {
        if (maxLeadMicros < 0) {
            throw new IllegalArgumentException("maxLeadMicros must be >= 0, got " + maxLeadMicros);
        }
        this.kafka = kafka;
        this.maxLeadMicros = maxLeadMicros;
    }

    @Override
    public Boundedness getBoundedness() {
        return kafka.getBoundedness();
    }

    @Override
    public SourceReader<Envelope, KafkaPartitionSplit> createReader(SourceReaderContext ctx) throws Exception {
        return new PartitionOrderReader(kafka.createReader(ctx), maxLeadMicros);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> ctx) {
        return kafka.createEnumerator(ctx);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> ctx, KafkaSourceEnumState state) throws Exception {
        return kafka.restoreEnumerator(ctx, state);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return new PositionedSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return kafka.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<Envelope> getProducedType() {
        return EnvelopeTypeInfo.INSTANCE;
    }
}
