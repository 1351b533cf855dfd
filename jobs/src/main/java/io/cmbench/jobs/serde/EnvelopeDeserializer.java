package io.cmbench.jobs.serde;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Kafka source deserializer: classifies each record into an {@link Envelope}; never throws on bad data. */
public final class EnvelopeDeserializer implements KafkaRecordDeserializationSchema<Envelope> {
    private static final long serialVersionUID = 1L;

    public enum Payload { REQUEST, COMPLETION }

    private final Payload payload;

    public EnvelopeDeserializer(Payload payload) {
        this.payload = payload;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<Envelope> out) {
        out.collect(payload == Payload.REQUEST
                ? Envelope.ofRequest(r.topic(), r.partition(), r.offset(), r.value())
                : Envelope.ofCompletion(r.topic(), r.partition(), r.offset(), r.value()));
    }

    @Override
    public TypeInformation<Envelope> getProducedType() {
        return EnvelopeTypeInfo.INSTANCE;
    }
}
