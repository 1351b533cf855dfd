package io.cmbench.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.schemas.Completion;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class EnvelopeSerializerTest {
    static Completion completion() {
        return Completion.newBuilder().setScenario("s").setRequestId("r-1").setArrivalTimeMicros(5).setPromptTokens(100)
                .setOutputTokens(7).setPrefillStartMicros(6).setPrefillEndMicros(900).setKvTransferEndMicros(950)
                .setFirstTokenMicros(1_000).setLastTokenMicros(9_000).setPrefillNpus(16).setDecodeNpus(160)
                .setDecodeInstance(0).setDecodeDie(3).build();
    }

    @Test
    void chainedOperatorsShareTheInstanceAndItsDecodedRecord() throws Exception {
        Envelope e = Envelope.ofCompletion("t", 1, 42, Envelope.toBytes(completion().toByteBuffer()));
        assertThat(EnvelopeSerializer.INSTANCE.copy(e)).isSameAs(e);
        assertThat(e.completion()).isSameAs(e.completion()).isEqualTo(completion());
    }

    @Test
    void roundTripsEveryFieldAndDecodesAgainAfterTheWire() throws Exception {
        Envelope good = Envelope.ofCompletion("t", 1, 42, Envelope.toBytes(completion().toByteBuffer()));
        Envelope bad = Envelope.ofCompletion("t", 0, 7, new byte[] {1, 2, 3});
        for (Envelope e : new Envelope[] {good, bad}) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            EnvelopeSerializer.INSTANCE.serialize(e, out);
            Envelope back = EnvelopeSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(back).usingRecursiveComparison().ignoringFields("decoded").isEqualTo(e);
        }
        assertThat(bad.kind).isEqualTo(Envelope.Kind.INVALID);
        assertThat(bad.reason).startsWith("undecodable Completion");
        DataOutputSerializer out = new DataOutputSerializer(64);
        EnvelopeSerializer.INSTANCE.serialize(good, out);
        Envelope back = EnvelopeSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back.completion()).isEqualTo(completion());
    }

    @Test
    void customCodersReadAndWriteTheSameBytesAsAvrosDefaultPath() throws Exception {
        Completion c = completion();
        byte[] standard = Envelope.toBytes(c.toByteBuffer());
        ByteBuffer custom = new BinaryMessageEncoder<Completion>(AvroModels.forClass(Completion.class),
                Completion.getClassSchema()).encode(c);
        assertThat(Envelope.toBytes(custom)).isEqualTo(standard);
        assertThat(AvroModels.COMPLETION_DECODER.decode(standard)).isEqualTo(Completion.fromByteBuffer(custom));
    }
}
