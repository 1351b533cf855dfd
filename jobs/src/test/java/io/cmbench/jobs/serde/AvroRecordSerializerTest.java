package io.cmbench.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cmbench.schemas.Completion;
import java.io.ByteArrayOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** What a savepoint taken with an older schema of a record meets when the job restarts with today's class. */
class AvroRecordSerializerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Completion completion() {
        return Completion.newBuilder().setScenario("s").setRequestId("r").setArrivalTimeMicros(1)
                .setPromptTokens(2).setOutputTokens(3).setPrefillStartMicros(4).setPrefillEndMicros(5)
                .setKvTransferEndMicros(6).setFirstTokenMicros(7).setLastTokenMicros(8).setPrefillNpus(9)
                .setDecodeNpus(10).setDecodeDie(11).setSource("measured").build();
    }

    /** Completion's schema with some fields dropped and others retyped: how it might have looked in an old release. */
    private static Schema olderCompletion(java.util.Set<String> dropped, String retyped) throws Exception {
        ObjectNode s = (ObjectNode) JSON.readTree(Completion.getClassSchema().toString());
        ArrayNode kept = JSON.createArrayNode();
        for (var f : s.withArray("fields")) {
            if (dropped.contains(f.get("name").asText())) continue;
            ObjectNode copy = ((ObjectNode) f).deepCopy();
            if (f.get("name").asText().equals(retyped)) {
                copy.put("type", "string");
                copy.remove("default");
            }
            kept.add(copy);
        }
        s.set("fields", kept);
        return new Schema.Parser().parse(s.toString());
    }

    private static <T> TypeSerializerSnapshot<T> throughSavepoint(TypeSerializerSnapshot<T> snap) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snap);
        return TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(out.getCopyOfBuffer()),
                AvroRecordSerializerTest.class.getClassLoader());
    }

    @Test
    void theSameSchemaRestoresAsIs() throws Exception {
        var ser = new AvroRecordSerializer<>(Completion.class);
        TypeSerializerSnapshot<Completion> restored = throughSavepoint(ser.snapshotConfiguration());
        assertThat(restored.restoreSerializer()).isEqualTo(ser);
        TypeSerializerSchemaCompatibility<Completion> c = ser.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(c.isCompatibleAsIs()).isTrue();
    }

    @Test
    void stateWrittenWithAnOlderSchemaIsReadIntoTodaysClass() throws Exception {
        Schema old = olderCompletion(java.util.Set.of("decodeDie", "source"), null);
        var oldSnapshot = throughSavepoint(new AvroRecordSerializer.Snapshot<>(Completion.class, old));
        var now = new AvroRecordSerializer<>(Completion.class);
        assertThat(now.snapshotConfiguration().resolveSchemaCompatibility(oldSnapshot).isCompatibleAfterMigration())
                .as("fields added with defaults: read with the old schema, write with the new").isTrue();

        // bytes as the old release wrote them: length-prefixed Avro binary under the old schema
        GenericRecord r = new GenericData.Record(old);
        Completion c = completion();
        for (Schema.Field f : old.getFields()) r.put(f.name(), c.get(f.name()));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(body, null);
        new GenericDatumWriter<GenericRecord>(old).write(r, enc);
        enc.flush();
        DataOutputSerializer state = new DataOutputSerializer(256);
        state.writeInt(body.size());
        state.write(body.toByteArray());

        TypeSerializer<Completion> restored = oldSnapshot.restoreSerializer();
        Completion read = restored.deserialize(new DataInputDeserializer(state.getCopyOfBuffer()));
        assertThat(read.getRequestId()).isEqualTo("r");
        assertThat(read.getLastTokenMicros()).isEqualTo(8);
        assertThat(read.getDecodeDie()).as("the new field's default").isEqualTo(-1);
        assertThat(read.getSource()).isEqualTo("emulated");
        assertThat(restored).isNotEqualTo(now);
        assertThat(restored.duplicate()).isEqualTo(restored);
    }

    @Test
    void aChangeAvroCannotResolveIsRefused() throws Exception {
        Schema old = olderCompletion(java.util.Set.of(), "promptTokens");
        var oldSnapshot = throughSavepoint(new AvroRecordSerializer.Snapshot<>(Completion.class, old));
        var now = new AvroRecordSerializer<>(Completion.class);
        assertThat(now.snapshotConfiguration().resolveSchemaCompatibility(oldSnapshot).isIncompatible()).isTrue();
    }
}
