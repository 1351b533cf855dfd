package io.cmbench.jobs.source;

import io.cmbench.jobs.serde.Envelope;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;

/**
 * The Kafka reader with every record judged against its partition's {@link PartitionPosition} on its way from the
 * deserializer to the partition's watermark generator (which sits behind the split's output), and the positions
 * checkpointed with the offsets ({@link PositionedSplit}). Everything else is the Kafka reader's.
 */
final class PartitionOrderReader implements SourceReader<Envelope, KafkaPartitionSplit> {
    private final SourceReader<Envelope, KafkaPartitionSplit> kafka;
    private final long maxLeadMicros;
    /** By split id (topic-partition); only the mailbox thread touches it: records, snapshots and new splits. */
    private final Map<String, PartitionPosition> positions = new HashMap<>();
    private JudgingOutput output;

    PartitionOrderReader(SourceReader<Envelope, KafkaPartitionSplit> kafka, long maxLeadMicros) {
        this.kafka = kafka;
        this.maxLeadMicros = maxLeadMicros;
    }

    @Override
    public void start() {
        kafka.start();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<Envelope> out) throws Exception {
        if (output == null || output.main != out) {
            output = new JudgingOutput(out);
        }
        return kafka.pollNext(output);
    }

    @Override
    public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
        List<KafkaPartitionSplit> splits = kafka.snapshotState(checkpointId);
        List<KafkaPartitionSplit> out = new ArrayList<>(splits.size());
        for (KafkaPartitionSplit s : splits) {
            out.add(new PositionedSplit(s, position(s.splitId()).micros()));
        }
        return out;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return kafka.isAvailable();
    }

    @Override
    public void addSplits(List<KafkaPartitionSplit> splits) {
        for (KafkaPartitionSplit s : splits) {
            positions.put(s.splitId(), new PartitionPosition(PositionedSplit.positionOf(s), maxLeadMicros));
        }
        kafka.addSplits(splits);
    }

    @Override
    public void notifyNoMoreSplits() {
        kafka.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
        kafka.handleSourceEvents(event);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        kafka.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        kafka.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void pauseOrResumeSplits(Collection<String> pause, Collection<String> resume) {
        kafka.pauseOrResumeSplits(pause, resume);
    }

    @Override
    public void close() throws Exception {
        kafka.close();
    }

    private PartitionPosition position(String splitId) {
        PartitionPosition p = positions.get(splitId);
        if (p == null) {
            throw new IllegalStateException("no position for split " + splitId + ": it was never added to this reader");
        }
        return p;
    }

    private PartitionPosition position(Envelope e) {
        return position(e.topic + "-" + e.partition); // KafkaPartitionSplit.toSplitId
    }

    /** The main output: judges what is emitted on it, and hands out judging outputs per split. */
    private final class JudgingOutput implements ReaderOutput<Envelope> {
        final ReaderOutput<Envelope> main;

        JudgingOutput(ReaderOutput<Envelope> main) {
            this.main = main;
        }

        @Override
        public void collect(Envelope e) {
            main.collect(position(e).admit(e));
        }

        @Override
        public void collect(Envelope e, long timestamp) {
            main.collect(position(e).admit(e), timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            main.emitWatermark(watermark);
        }

        @Override
        public void markIdle() {
            main.markIdle();
        }

        @Override
        public void markActive() {
            main.markActive();
        }

        @Override
        public SourceOutput<Envelope> createOutputForSplit(String splitId) {
            return new JudgingSplitOutput(main.createOutputForSplit(splitId), position(splitId));
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            main.releaseOutputForSplit(splitId);
        }
    }

    /** One split's output (in front of its watermark generator), judging against that split's position. */
    private record JudgingSplitOutput(SourceOutput<Envelope> split, PartitionPosition position)
            implements SourceOutput<Envelope> {
        @Override
        public void collect(Envelope e) {
            split.collect(position.admit(e));
        }

        @Override
        public void collect(Envelope e, long timestamp) {
            split.collect(position.admit(e), timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            split.emitWatermark(watermark);
        }

        @Override
        public void markIdle() {
            split.markIdle();
        }

        @Override
        public void markActive() {
            split.markActive();
        }
    }
}
