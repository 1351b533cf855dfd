package io.cmbench.jobs.serde;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information for a generated Avro class. flink-avro is not on this project's dependency list,
 * and without it Flink would fall back to Kryo for Avro records; this serializes them with Avro's binary
 * encoding instead.
 */
public final class AvroTypeInfo<T extends SpecificRecordBase> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;
    private final Class<T> type;

    public AvroTypeInfo(Class<T> type) {
        this.type = Objects.requireNonNull(type);
    }

    public static <T extends SpecificRecordBase> AvroTypeInfo<T> forClass(Class<T> type) {
        return new AvroTypeInfo<>(type);
    }

    @Override public boolean isBasicType() { return false; }
    @Override public boolean isTupleType() { return false; }
    @Override public int getArity() { return 1; }
    @Override public int getTotalFields() { return 1; }
    @Override public Class<T> getTypeClass() { return type; }
    @Override public boolean isKeyType() { return false; }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new AvroRecordSerializer<>(type);
    }

    @Override public String toString() { return "AvroTypeInfo<" + type.getName() + ">"; }
    @Override public boolean equals(Object o) { return o instanceof AvroTypeInfo<?> a && a.type == type; }
    @Override public int hashCode() { return type.hashCode(); }
    @Override public boolean canEqual(Object o) { return o instanceof AvroTypeInfo; }
}
