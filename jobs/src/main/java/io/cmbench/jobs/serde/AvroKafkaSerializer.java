package io.cmbench.jobs.serde;

import java.nio.charset.StandardCharsets;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes Avro records with single-object encoding, keyed by a string. The Kafka record timestamp is left to the
 * producer (wall clock): Flink's timestamps here are simulated µs, and a broker deletes records whose timestamp
 * is older than its retention.
 */
public final class AvroKafkaSerializer<T extends SpecificRecordBase> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final Class<T> type;
    private final SerializableFunction<T, String> key;
    private transient BinaryMessageEncoder<T> encoder;
    /** Reused for every record: encode(datum) would fill a thread-local buffer, then copy it twice. */
    private transient java.io.ByteArrayOutputStream out;

    public AvroKafkaSerializer(String topic, Class<T> type, SerializableFunction<T, String> key) {
        this.topic = topic;
        this.type = type;
        this.key = key;
    }

    @Override
    public void open(SerializationSchema.InitializationContext ctx, KafkaSinkContext sinkCtx) {
        SpecificData data = AvroModels.forClass(type);
        encoder = new BinaryMessageEncoder<>(data, data.getSchema(type));
        out = new java.io.ByteArrayOutputStream(256);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext ctx, Long timestamp) {
        if (encoder == null) {
            open(null, ctx);
        }
        try {
            out.reset();
            encoder.encode(element, out);
            String k = key.apply(element);
            return new ProducerRecord<>(topic, null, null,
                    k == null ? null : k.getBytes(StandardCharsets.UTF_8), out.toByteArray());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot encode " + type.getSimpleName(), e);
        }
    }
}
