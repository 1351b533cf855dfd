package io.cmbench.jobs.serde;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Points Flink at {@link EnvelopeSerializer} (instead of the POJO serializer, which copies between chained operators). */
public final class EnvelopeTypeInfo {
    private EnvelopeTypeInfo() {}

    public static final TypeInformation<Envelope> INSTANCE = new SerializerTypeInfo<>(Envelope.class, EnvelopeSerializer.INSTANCE);

    public static final class Factory extends TypeInfoFactory<Envelope> {
        @Override
        public TypeInformation<Envelope> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return INSTANCE;
        }
    }
}
