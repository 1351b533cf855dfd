package io.cmbench.jobs.analytics;

import io.cmbench.jobs.serde.SerializerTypeInfo;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Points Flink at {@link WindowAccumulatorSerializer} instead of Kryo. */
public final class WindowAccumulatorTypeInfo {
    private WindowAccumulatorTypeInfo() {}

    public static final TypeInformation<WindowAccumulator> INSTANCE =
            new SerializerTypeInfo<>(WindowAccumulator.class, WindowAccumulatorSerializer.INSTANCE);

    public static final class Factory extends TypeInfoFactory<WindowAccumulator> {
        @Override
        public TypeInformation<WindowAccumulator> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return INSTANCE;
        }
    }
}
