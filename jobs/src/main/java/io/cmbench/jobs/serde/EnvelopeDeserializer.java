package io.cmbench.jobs.serde;

import io.cmbench.schemas.RequestRules;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka source deserializer: classifies each record into an {@link Envelope}; never throws on bad data. Requests
 * after the run's horizon are invalid here, before they can reach a watermark generator. What depends on the records
 * read before (late, too far ahead of the partition) is judged next, by the requests source
 * ({@code io.cmbench.jobs.source.PartitionOrderSource}), which checkpoints what it remembers.
 */
public final class EnvelopeDeserializer implements KafkaRecordDeserializationSchema<Envelope> {
    private static final long serialVersionUID = 1L;

    public enum Payload { REQUEST, COMPLETION }

    private final Payload payload;
    private final long horizonMicros;

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
        out.collect(Envelope.ofRequest(r.topic(), r.partition(), r.offset(), r.value(), horizonMicros));
    }

    @Override
    public TypeInformation<Envelope> getProducedType() {
        return EnvelopeTypeInfo.INSTANCE;
    }
}
