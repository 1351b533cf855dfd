package io.cmbench.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

/** Every wire record survives single-object encoding, and the schemas can evolve by adding defaulted fields. */
class SchemaRoundTripTest {

    static RequestEvent request() {
        return RequestEvent.newBuilder().setRequestId("r0000000001").setArrivalTimeMicros(1_234_567L)
                .setPromptTokens(4096).setOutputTokens(256).setPrefixBlocks(List.of(11L, 22L)).setPrefixBlockTokens(512)
                .setRequestClass("chat").build();
    }

    static Completion completion() {
        return Completion.newBuilder().setScenario("cloudmatrix384").setRequestId("r1").setArrivalTimeMicros(1)
                .setPromptTokens(4096).setOutputTokens(256).setCacheHitTokens(512).setPrefillStartMicros(2)
                .setPrefillEndMicros(3).setKvTransferEndMicros(4).setFirstTokenMicros(4).setLastTokenMicros(99)
                .setPrefillInstance(1).setDecodeInstance(0).setDecodeDie(17).setPrefillQueueMicros(1)
                .setDecodeQueueMicros(0).setPrefillNpus(96).setDecodeNpus(160).build();
    }

    static EngineStep step() {
        return EngineStep.newBuilder().setScenario("s").setPool(Pool.DECODE).setInstance(0).setStartMicros(10)
                .setDurationMicros(15_000).setSequences(15_360).setTokens(26_112).setKvTokens(62_914_560L).setNpus(160)
                .setActiveDies(320).setMinSequencesPerDie(47).setMaxSequencesPerDie(49).setMaxKvTokensPerDie(200_000L)
                .setCachedTokens(0).build();
    }

    static SloWindow window() {
        LatencySummary l = LatencySummary.newBuilder().setCount(3).setP50Micros(1).setP90Micros(2).setP99Micros(3)
                .setP999Micros(3).setMaxMicros(3).setHistogram(ByteBuffer.wrap(new byte[] {1, 2, 3})).build();
        SloResult r = SloResult.newBuilder().setName("tpot15").setTpotBoundMicros(15_000).setGoodRequests(2)
                .setGoodOutputTokens(512).setGoodputTokensPerSecPerNpu(0.32).setRequestGoodputPerSec(0.2)
                .setAttainment(2 / 3.0).build();
        return SloWindow.newBuilder().setScenario("s").setWindowStartMicros(0).setWindowEndMicros(10_000_000)
                .setDecodeNpus(160).setPrefillNpus(96).setCompletedRequests(3).setOutputTokens(768).setPromptTokens(12_288)
                .setOutputTokensPerSecPerNpu(0.48).setPrefillTokensPerSecPerNpu(12.8).setSlos(List.of(r))
                .setTtft(l).setTpot(l).setE2e(l)
                .setDieLoad(DieLoad.newBuilder().setDies(2).setMinTokens(256).setMeanTokens(384.0).setMaxTokens(512).build())
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder().setStage("validate").setSourceTopic("cmbench.requests").setSourcePartition(1)
                .setSourceOffset(42).setField("promptTokens").setReason("must be > 0, got -1")
                .setPayload(ByteBuffer.wrap(new byte[] {9, 9})).build();
    }

    @Test
    void everySchemaRoundTripsWithSingleObjectEncoding() throws IOException {
        assertThat(RequestEvent.fromByteBuffer(request().toByteBuffer())).isEqualTo(request());
        assertThat(Completion.fromByteBuffer(completion().toByteBuffer())).isEqualTo(completion());
        assertThat(EngineStep.fromByteBuffer(step().toByteBuffer())).isEqualTo(step());
        assertThat(SloWindow.fromByteBuffer(window().toByteBuffer())).isEqualTo(window());
        assertThat(DeadLetter.fromByteBuffer(deadLetter().toByteBuffer())).isEqualTo(deadLetter());
    }

    @Test
    void everyRecordCarriesItsSchemaFingerprint() throws IOException {
        for (SpecificRecordBase r : List.of(request(), completion(), step(), window(), deadLetter())) {
            ByteBuffer bytes = encode(r);
            assertThat(bytes.get(0)).isEqualTo((byte) 0xC3); // single-object marker
            assertThat(bytes.get(1)).isEqualTo((byte) 0x01);
            long fingerprint = bytes.order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(2);
            assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(r.getSchema()));
        }
    }

    @Test
    void aRecordOfAnotherSchemaIsRefusedNotMisread() throws IOException {
        ByteBuffer completionBytes = completion().toByteBuffer();
        assertThatThrownBy(() -> RequestEvent.fromByteBuffer(completionBytes)).isInstanceOf(MissingSchemaException.class);
        assertThatThrownBy(() -> RequestEvent.fromByteBuffer(ByteBuffer.wrap("not avro".getBytes())))
                .isInstanceOf(BadHeaderException.class);
    }

    @Test
    void todaysRecordIsReadByAReaderWhoseSchemaAddsADefaultedField() throws IOException {
        Schema today = RequestEvent.getClassSchema();
        Schema tomorrow = new Schema.Parser().parse(today.toString().replaceFirst(
                "\"fields\"\\s*:\\s*\\[",
                "\"fields\":[{\"name\":\"tenant\",\"type\":\"string\",\"default\":\"public\"},"));
        assertThat(tomorrow.getField("tenant")).isNotNull();

        // The reader knows today's schema (the writer's, named by the fingerprint) and resolves it to its own.
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(today);
        BinaryMessageDecoder<GenericRecord> reader = new BinaryMessageDecoder<>(GenericData.get(), tomorrow, store);
        GenericRecord read = reader.decode(request().toByteBuffer());

        assertThat(read.get("tenant").toString()).isEqualTo("public");
        assertThat(read.get("requestId").toString()).isEqualTo("r0000000001");
        assertThat(read.get("promptTokens")).isEqualTo(4096);
        assertThat(read.get("prefixBlocks")).asList().containsExactly(11L, 22L);
    }

    /** {@code schema} without the named fields: what a writer built before they were added used. */
    static Schema without(Schema schema, String... fields) {
        List<String> drop = List.of(fields);
        List<Schema.Field> kept = new java.util.ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            if (!drop.contains(f.name())) {
                kept.add(new Schema.Field(f, f.schema()));
            }
        }
        assertThat(kept).hasSize(schema.getFields().size() - drop.size());
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, kept);
    }

    /** Decodes a record written with {@code writer} (a subset of the fields of {@code r}'s schema) as today's class. */
    static GenericRecord olderCopy(SpecificRecordBase r, Schema writer) {
        GenericData.Record old = new GenericData.Record(writer);
        for (Schema.Field f : writer.getFields()) {
            old.put(f.name(), r.get(f.name()));
        }
        return old;
    }

    @Test
    void recordsWrittenBeforeTheDieLoadFieldsReadWithTheirDefaults() throws IOException {
        Schema oldStep = without(EngineStep.getClassSchema(), "activeDies", "minSequencesPerDie", "maxSequencesPerDie",
                "maxKvTokensPerDie", "cachedTokens");
        Schema oldWindow = without(SloWindow.getClassSchema(), "dieLoad");
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(oldStep);
        store.addSchema(oldWindow);

        EngineStep step = EngineStep.createDecoder(store).decode(encode(olderCopy(step(), oldStep), oldStep));
        assertThat(step.getKvTokens()).isEqualTo(62_914_560L);
        assertThat(step.getActiveDies()).isZero();
        assertThat(step.getMinSequencesPerDie()).isZero();
        assertThat(step.getMaxSequencesPerDie()).isZero();
        assertThat(step.getMaxKvTokensPerDie()).isZero();
        assertThat(step.getCachedTokens()).isZero();

        SloWindow w = SloWindow.createDecoder(store).decode(encode(olderCopy(window(), oldWindow), oldWindow));
        assertThat(w.getOutputTokens()).isEqualTo(768);
        assertThat(w.getDieLoad()).isEqualTo(DieLoad.newBuilder().setDies(0).setMinTokens(0).setMeanTokens(0.0)
                .setMaxTokens(0).build());
        // a builder that does not set the new fields gets the same defaults
        assertThat(EngineStep.newBuilder(step()).clearActiveDies().build().getActiveDies()).isZero();
    }

    private static ByteBuffer encode(GenericRecord r, Schema schema) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new org.apache.avro.message.BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(r, out);
        return ByteBuffer.wrap(out.toByteArray());
    }

    private static ByteBuffer encode(SpecificRecordBase r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new org.apache.avro.message.BinaryMessageEncoder<SpecificRecordBase>(SpecificData.get(), r.getSchema())
                .encode(r, out);
        return ByteBuffer.wrap(out.toByteArray());
    }
}
