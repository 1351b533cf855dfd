package io.cmbench.jobs.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Length-prefixed Avro binary encoding of one generated record class (no schema fingerprint per record).
 *
 * <p>Savepoint-safe: the snapshot carries the schema the state was written with, and a serializer restored from it
 * reads old bytes with that writer schema into today's class (Avro schema resolution: added fields take their
 * defaults). A schema change Avro cannot resolve is refused when the job starts from the savepoint, not met as garbage.
 */
public final class AvroRecordSerializer<T extends SpecificRecordBase> extends TypeSerializer<T> {
    private static final long serialVersionUID = 2L;
    private final Class<T> type;
    /** The schema of bytes to read, as JSON; null = the class's own schema (new state, or nothing changed). */
    private final String writerSchemaJson;
    private transient Schema schema;
    private transient SpecificDatumWriter<T> writer;
    private transient SpecificDatumReader<T> reader;
    private transient ByteArrayOutputStream buffer;
    private transient BinaryEncoder encoder;
    private transient BinaryDecoder decoder;

    public AvroRecordSerializer(Class<T> type) {
        this(type, null);
    }

    /** A serializer that reads bytes written with {@code writerSchema} (null: the class's own schema). */
    AvroRecordSerializer(Class<T> type, Schema writerSchema) {
        this.type = Objects.requireNonNull(type);
        this.writerSchemaJson = writerSchema == null || writerSchema.equals(schemaOf(type)) ? null : writerSchema.toString();
    }

    static Schema schemaOf(Class<? extends SpecificRecordBase> type) {
        return AvroModels.forClass(type).getSchema(type);
    }

    private void init() {
        if (schema == null) {
            SpecificData data = AvroModels.forClass(type);
            schema = data.getSchema(type);
            Schema writerSchema = writerSchemaJson == null ? schema : new Schema.Parser().parse(writerSchemaJson);
            writer = new SpecificDatumWriter<>(schema, data);
            reader = new SpecificDatumReader<>(writerSchema, schema, data);
            buffer = new ByteArrayOutputStream(256);
        }
    }

    @Override public boolean isImmutableType() { return false; }
    @Override public TypeSerializer<T> duplicate() { return new AvroRecordSerializer<>(type, writerSchema()); }

    private Schema writerSchema() {
        return writerSchemaJson == null ? null : new Schema.Parser().parse(writerSchemaJson);
    }

    @Override
    public T createInstance() {
        init();
        return type.cast(SpecificData.getForClass(type).newRecord(null, schema));
    }

    @Override
    public T copy(T from) {
        init();
        return from == null ? null : SpecificData.getForClass(type).deepCopy(schema, from);
    }

    @Override public T copy(T from, T reuse) { return copy(from); }
    @Override public int getLength() { return -1; }

    @Override
    public void serialize(T record, DataOutputView target) throws IOException {
        init();
        buffer.reset();
        encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
        writer.write(record, encoder);
        encoder.flush();
        target.writeInt(buffer.size());
        target.write(buffer.toByteArray());
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        init();
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
        return reader.read(null, decoder);
    }

    @Override public T deserialize(T reuse, DataInputView source) throws IOException { return deserialize(source); }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int len = source.readInt();
        target.writeInt(len);
        target.write(source, len);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvroRecordSerializer<?> s && s.type == type && Objects.equals(s.writerSchemaJson, writerSchemaJson);
    }

    @Override public int hashCode() { return type.hashCode(); }

    /** Snapshots what new state is written with: the class's own schema. */
    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new Snapshot<>(type, schemaOf(type));
    }

    /**
     * Version 2: the record class name and the writer schema (JSON). Version 1 (class name only) was written by
     * cmbench before the schema was kept; its state is read as written with the class's current schema.
     */
    public static final class Snapshot<T extends SpecificRecordBase> implements TypeSerializerSnapshot<T> {
        private Class<T> type;
        private Schema writerSchema;

        public Snapshot() {}

        Snapshot(Class<T> type, Schema writerSchema) {
            this.type = type;
            this.writerSchema = writerSchema;
        }

        @Override public int getCurrentVersion() { return 2; }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(type.getName());
            byte[] json = writerSchema.toString().getBytes(StandardCharsets.UTF_8);
            out.writeInt(json.length);
            out.write(json);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void readSnapshot(int version, DataInputView in, ClassLoader cl) throws IOException {
            String name = in.readUTF();
            try {
                type = (Class<T>) Class.forName(name, false, cl);
            } catch (ClassNotFoundException e) {
                throw new IOException("Avro record class not found: " + name, e);
            }
            if (version >= 2) {
                byte[] json = new byte[in.readInt()];
                in.readFully(json);
                writerSchema = new Schema.Parser().parse(new String(json, StandardCharsets.UTF_8));
            } else {
                writerSchema = schemaOf(type);
            }
        }

        @Override public TypeSerializer<T> restoreSerializer() { return new AvroRecordSerializer<>(type, writerSchema); }

        /**
         * Called on the new serializer's snapshot with the one restored from the savepoint: the same schema needs
         * nothing, a schema Avro can read the old bytes with needs a migration (read with the old schema, write with
         * the new), anything else is incompatible.
         */
        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
            if (!(old instanceof Snapshot<?> s) || !s.type.getName().equals(type.getName())) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            if (s.writerSchema.equals(writerSchema)) return TypeSerializerSchemaCompatibility.compatibleAsIs();
            var check = SchemaCompatibility.checkReaderWriterCompatibility(writerSchema, s.writerSchema);
            return check.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE
                    ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
