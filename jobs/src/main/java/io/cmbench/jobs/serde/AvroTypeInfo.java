package io.cmbench.jobs.serde;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink type information for a generated Avro class. flink-avro is not on this project's dependency list,
 * and without it Flink would fall back to Kryo for Avro records; this serializes them with Avro's binary
 * encoding instead ({@link AvroRecordSerializer}).
 */
public final class AvroTypeInfo {
    private AvroTypeInfo() {}

    public static <T extends SpecificRecordBase> TypeInformation<T> forClass(Class<T> type) {
        return new SerializerTypeInfo<>(type, new AvroRecordSerializer<>(type));
    }
}
