package io.cmbench.jobs.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import org.apache.avro.Schema;
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

/** Length-prefixed Avro binary encoding of one generated record class (no schema fingerprint). */
public final class AvroRecordSerializer<T extends SpecificRecordBase> extends TypeSerializer<T> {
    private static final long serialVersionUID = 1L;
    private final Class<T> type;
    private transient Schema schema;
    private transient SpecificDatumWriter<T> writer;
    private transient SpecificDatumReader<T> reader;
    private transient ByteArrayOutputStream buffer;
    private transient BinaryEncoder encoder;
    private transient BinaryDecoder decoder;

    public AvroRecordSerializer(Class<T> type) {
        this.type = Objects.requireNonNull(type);
    }

    private void init() {
        if (schema == null) {
            SpecificData data = AvroModels.forClass(type);
            schema = data.getSchema(type);
            writer = new SpecificDatumWriter<>(schema, data);
            reader = new SpecificDatumReader<>(schema, schema, data);
            buffer = new ByteArrayOutputStream(256);
        }
    }

    @Override public boolean isImmutableType() { return false; }
    @Override public TypeSerializer<T> duplicate() { return new AvroRecordSerializer<>(type); }

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

    @Override public boolean equals(Object o) { return o instanceof AvroRecordSerializer<?> s && s.type == type; }
    @Override public int hashCode() { return type.hashCode(); }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new Snapshot<>(type);
    }

    /** Stores the record class name; schemas evolve only by adding fields with defaults. */
    public static final class Snapshot<T extends SpecificRecordBase> implements TypeSerializerSnapshot<T> {
        private Class<T> type;

        public Snapshot() {}

        Snapshot(Class<T> type) { this.type = type; }

        @Override public int getCurrentVersion() { return 1; }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(type.getName());
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
        }

        @Override public TypeSerializer<T> restoreSerializer() { return new AvroRecordSerializer<>(type); }

        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
            return old instanceof Snapshot<?> s && s.type == type
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
