package io.cmbench.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.schemas.Completion;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The Kafka sinks' records: single-object Avro, as the record's own encoder writes it, one buffer reused throughout. */
class AvroKafkaSerializerTest {

    @Test
    void eachRecordIsItsOwnSingleObjectEncodingAndKey() throws Exception {
        AvroKafkaSerializer<Completion> serializer = new AvroKafkaSerializer<>("completions", Completion.class,
                Completion::getRequestId);
        Completion first = EnvelopeSerializerTest.completion();
        Completion second = Completion.newBuilder(first).setRequestId("r-22").setScenario("a-longer-scenario-name")
                .setOutputTokens(4_000).build();
        ProducerRecord<byte[], byte[]> a = serializer.serialize(first, null, null);
        ProducerRecord<byte[], byte[]> b = serializer.serialize(second, null, null);
        ProducerRecord<byte[], byte[]> c = serializer.serialize(first, null, null);

        assertThat(a.topic()).isEqualTo("completions");
        assertThat(a.value()).isEqualTo(Envelope.toBytes(first.toByteBuffer())).isEqualTo(c.value());
        assertThat(b.value()).isEqualTo(Envelope.toBytes(second.toByteBuffer()));
        assertThat(Completion.fromByteBuffer(java.nio.ByteBuffer.wrap(a.value()))).isEqualTo(first);
        assertThat(new String(b.key(), StandardCharsets.UTF_8)).isEqualTo("r-22");
        assertThat(a.timestamp()).as("the producer's wall clock, not simulated µs").isNull();
    }
}
