package io.cmbench.jobs.source;

import java.io.IOException;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplitSerializer;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Serializes a split as Kafka's own serializer does, followed by the partition's position ({@link PositionedSplit};
 * 0 for a plain split, which starts at the beginning of its partition).
 */
final class PositionedSplitSerializer implements SimpleVersionedSerializer<KafkaPartitionSplit> {
    private static final int VERSION = 1;
    private final KafkaPartitionSplitSerializer kafka = new KafkaPartitionSplitSerializer();

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(KafkaPartitionSplit split) throws IOException {
        byte[] body = kafka.serialize(split);
        DataOutputSerializer out = new DataOutputSerializer(body.length + 16);
        out.writeInt(kafka.getVersion());
        out.writeInt(body.length);
        out.write(body);
        out.writeLong(PositionedSplit.positionOf(split));
        return out.getCopyOfBuffer();
    }

    @Override
    public KafkaPartitionSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            // e.g. a checkpoint of a job that read the topic with a plain KafkaSource: it holds no positions
            throw new IOException("split state version " + version + " carries no partition positions (expected "
                    + VERSION + "): start the job afresh instead of from that checkpoint");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int kafkaVersion = in.readInt();
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        long position = in.readLong();
        return new PositionedSplit(kafka.deserialize(kafkaVersion, body), position);
    }
}
