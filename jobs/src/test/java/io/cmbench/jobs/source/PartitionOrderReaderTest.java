package io.cmbench.jobs.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.jobs.TestData;
import io.cmbench.jobs.serde.Envelope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The requests source's reader around a scripted stand-in for the Kafka reader: records are judged per partition on
 * their split's output, and each partition's position is checkpointed with its offset, so a restored reader judges
 * the records after the offset as an undisturbed one would.
 */
class PartitionOrderReaderTest {
    private static final String TOPIC = "requests";
    private static final long MAX_LEAD = 10_000;

    static Envelope record(int partition, long offset, long arrival) {
        return Envelope.ofRequest(TOPIC, partition, offset,
                TestData.bytes(TestData.request("r" + partition + "-" + offset, arrival, 10, 2)));
    }

    static KafkaPartitionSplit split(int partition, long offset) {
        return new KafkaPartitionSplit(new TopicPartition(TOPIC, partition), offset);
    }

    @Test
    void aPartitionIsJudgedOnItsOwnWhateverTheOthersRead() throws Exception {
        Scripted kafka = new Scripted();
        PartitionOrderReader reader = new PartitionOrderReader(kafka, MAX_LEAD);
        reader.addSplits(List.of(split(0, 0), split(1, 0)));
        Recording out = new Recording();
        List<Envelope> judged = out.drain(reader, kafka, record(0, 0, 100), record(1, 0, 9_000), record(1, 1, 18_000),
                record(0, 1, 200), record(0, 2, 150));
        assertThat(judged).extracting(e -> e.valid()).containsExactly(true, true, true, true, false);
        assertThat(judged.get(4).reason).contains("before arrival 200 already read from partition 0");
        assertThat(out.splitsWritten).as("every record went through its split's output (its watermark generator)")
                .containsExactly(TOPIC + "-0", TOPIC + "-1", TOPIC + "-1", TOPIC + "-0", TOPIC + "-0");
    }

    @Test
    void positionsAreCheckpointedWithTheOffsetsAndRestoredWithThem() throws Exception {
        Scripted kafka = new Scripted();
        PartitionOrderReader before = new PartitionOrderReader(kafka, MAX_LEAD);
        before.addSplits(List.of(split(0, 0), split(1, 0)));
        new Recording().drain(before, kafka, record(0, 0, 100), record(0, 1, 3_000), record(1, 0, 50),
                record(0, 2, 9_000_000)); // too far ahead: not the partition's position
        List<KafkaPartitionSplit> checkpoint = roundTrip(before.snapshotState(1L));
        assertThat(checkpoint).extracting(KafkaPartitionSplit::splitId, KafkaPartitionSplit::getStartingOffset,
                        PositionedSplit::positionOf)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(TOPIC + "-0", 3L, 3_000L),
                        org.assertj.core.groups.Tuple.tuple(TOPIC + "-1", 1L, 50L));

        // after a failure: a new reader from the checkpoint reads on from the offsets
        Scripted restoredKafka = new Scripted();
        PartitionOrderReader after = new PartitionOrderReader(restoredKafka, MAX_LEAD);
        after.addSplits(checkpoint);
        List<Envelope> judged = new Recording().drain(after, restoredKafka, record(0, 3, 2_000), record(0, 4, 13_001),
                record(1, 1, 60), record(0, 5, 13_000));
        assertThat(judged.get(0).reason).as("late, as it was before the failure")
                .contains("late: arrival 2000 is before arrival 3000 already read from partition 0");
        assertThat(judged.get(1).reason).contains("too far ahead: arrival 13001").contains("position 3000");
        assertThat(judged.get(2).valid()).isTrue();
        assertThat(judged.get(3).valid()).isTrue();

        // what a restore without the positions did: the partition started afresh and took the late record
        Scripted afresh = new Scripted();
        PartitionOrderReader forgetful = new PartitionOrderReader(afresh, MAX_LEAD);
        forgetful.addSplits(List.of(split(0, 3)));
        assertThat(new Recording().drain(forgetful, afresh, record(0, 3, 2_000)).get(0).valid()).isTrue();
    }

    @Test
    void theSplitStateSerializerKeepsKafkasFieldsAndThePosition() throws Exception {
        PositionedSplitSerializer s = new PositionedSplitSerializer();
        KafkaPartitionSplit bounded = new KafkaPartitionSplit(new TopicPartition(TOPIC, 4), 17, 99);
        KafkaPartitionSplit back = s.deserialize(s.getVersion(), s.serialize(new PositionedSplit(bounded, 123_456)));
        assertThat(back).isEqualTo(new PositionedSplit(bounded, 123_456));
        assertThat(back.getStoppingOffset()).contains(99L);
        assertThat(PositionedSplit.positionOf(s.deserialize(s.getVersion(), s.serialize(split(2, 0)))))
                .as("a split as the enumerator hands it out starts at the run's start").isZero();
        assertThatThrownBy(() -> s.deserialize(0, new byte[8])).hasMessageContaining("carries no partition positions");
    }

    private static List<KafkaPartitionSplit> roundTrip(List<KafkaPartitionSplit> splits) throws Exception {
        PositionedSplitSerializer s = new PositionedSplitSerializer();
        List<KafkaPartitionSplit> out = new ArrayList<>();
        for (KafkaPartitionSplit split : splits) {
            out.add(s.deserialize(s.getVersion(), s.serialize(split)));
        }
        return out;
    }

    /**
     * Stands in for the Kafka reader: emits the records it is given one per poll, each through its split's own
     * output as Kafka's reader does; its snapshot holds each split at the offset after the last record emitted.
     */
    static final class Scripted implements SourceReader<Envelope, KafkaPartitionSplit> {
        final Map<String, KafkaPartitionSplit> splits = new LinkedHashMap<>();
        final Map<String, Long> nextOffset = new HashMap<>();
        final Deque<Envelope> script = new ArrayDeque<>();
        final Map<String, SourceOutput<Envelope>> outputs = new HashMap<>();

        @Override
        public void start() {}

        @Override
        public InputStatus pollNext(ReaderOutput<Envelope> out) {
            Envelope e = script.poll();
            if (e == null) {
                return InputStatus.NOTHING_AVAILABLE;
            }
            String id = KafkaPartitionSplit.toSplitId(new TopicPartition(e.topic, e.partition));
            assertThat(splits).as("records only of assigned splits").containsKey(id);
            outputs.computeIfAbsent(id, out::createOutputForSplit).collect(e, 0L);
            nextOffset.put(id, e.offset + 1);
            return script.isEmpty() ? InputStatus.NOTHING_AVAILABLE : InputStatus.MORE_AVAILABLE;
        }

        @Override
        public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
            List<KafkaPartitionSplit> out = new ArrayList<>();
            for (KafkaPartitionSplit s : splits.values()) {
                out.add(new KafkaPartitionSplit(s.getTopicPartition(), nextOffset.getOrDefault(s.splitId(), s.getStartingOffset())));
            }
            return out;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void addSplits(List<KafkaPartitionSplit> added) {
            added.forEach(s -> splits.put(s.splitId(), s));
        }

        @Override
        public void notifyNoMoreSplits() {}

        @Override
        public void notifyCheckpointComplete(long checkpointId) {}

        @Override
        public void close() {}
    }

    /** The source operator's side: records what reaches each split's output. */
    static final class Recording implements ReaderOutput<Envelope> {
        final List<Envelope> records = new ArrayList<>();
        final List<String> splitsWritten = new ArrayList<>();

        List<Envelope> drain(PartitionOrderReader reader, Scripted kafka, Envelope... script) throws Exception {
            kafka.script.addAll(List.of(script));
            while (reader.pollNext(this) == InputStatus.MORE_AVAILABLE) {
                // next
            }
            return records;
        }

        @Override
        public void collect(Envelope e) {
            throw new AssertionError("records go through their split's output");
        }

        @Override
        public void collect(Envelope e, long timestamp) {
            collect(e);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<Envelope> createOutputForSplit(String splitId) {
            return new SourceOutput<>() {
                @Override
                public void collect(Envelope e) {
                    records.add(e);
                    splitsWritten.add(splitId);
                }

                @Override
                public void collect(Envelope e, long timestamp) {
                    collect(e);
                }

                @Override
                public void emitWatermark(Watermark watermark) {}

                @Override
                public void markIdle() {}

                @Override
                public void markActive() {}
            };
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }
}
