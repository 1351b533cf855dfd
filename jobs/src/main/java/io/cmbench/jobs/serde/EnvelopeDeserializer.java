package io.cmbench.jobs.serde;

import io.cmbench.schemas.RequestRules;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka source deserializer: classifies each record into an {@link Envelope}; never throws on bad data. Requests
 * after the run's horizon are invalid, and requests earlier than their partition's latest are late
 * ({@link PartitionArrivalOrder}): both are decided here, before the record can reach a watermark generator.
 */
public final class EnvelopeDeserializer implements KafkaRecordDeserializationSchema<Envelope> {
    private static final long serialVersionUID = 1L;

    public enum Payload { REQUEST, COMPLETION }

    private final Payload payload;
    private final long horizonMicros;
    /** One per source reader (each subtask deserializes its own copy of the schema); created on first use. */
    private transient PartitionArrivalOrder order;

    /** Completions, or requests with no horizon but {@link RequestRules#MAX_ARRIVAL_MICROS}. */
    public EnvelopeDeserializer(Payload payload) {
        this(payload, RequestRules.MAX_ARRIVAL_MICROS);
    }

    /** @param horizonMicros the latest arrival a request may carry (requests only) */
    public EnvelopeDeserializer(Payload payload, long horizonMicros) {
        this.payload = payload;
        this.horizonMicros = horizonMicros;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<Envelope> out) {
        if (payload == Payload.COMPLETION) {
            // completions come from parallel writers, in no order per partition: the analytics job bounds that itself
            out.collect(Envelope.ofCompletion(r.topic(), r.partition(), r.offset(), r.value()));
            return;
        }
        if (order == null) {
            order = new PartitionArrivalOrder();
        }
        out.collect(order.admit(Envelope.ofRequest(r.topic(), r.partition(), r.offset(), r.value(), horizonMicros)));
    }

    @Override
    public TypeInformation<Envelope> getProducedType() {
        return EnvelopeTypeInfo.INSTANCE;
    }
}
