package io.cmbench.jobs.analytics;

import io.cmbench.jobs.serde.SerializerTypeInfo;
import io.cmbench.jobs.serde.StatelessSerializer;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Window bounds, then the totals in {@link WindowAccumulatorSerializer}'s current format. */
public final class WindowPartialSerializer extends StatelessSerializer<WindowPartial> {
    private static final long serialVersionUID = 1L;
    public static final WindowPartialSerializer INSTANCE = new WindowPartialSerializer();
    public static final TypeInformation<WindowPartial> TYPE = new SerializerTypeInfo<>(WindowPartial.class, INSTANCE);

    @Override public boolean isImmutableType() { return false; }
    @Override public WindowPartial createInstance() { return new WindowPartial(0, 0, new WindowAccumulator()); }

    @Override
    public WindowPartial copy(WindowPartial from) {
        return new WindowPartial(from.windowStartMicros, from.windowEndMicros,
                WindowAccumulatorSerializer.INSTANCE.copy(from.totals));
    }

    @Override
    public void serialize(WindowPartial p, DataOutputView out) throws IOException {
        out.writeLong(p.windowStartMicros);
        out.writeLong(p.windowEndMicros);
        WindowAccumulatorSerializer.write(p.totals, out, true);
    }

    @Override
    public WindowPartial deserialize(DataInputView in) throws IOException {
        long start = in.readLong();
        long end = in.readLong();
        return new WindowPartial(start, end, WindowAccumulatorSerializer.read(in, true));
    }

    @Override
    public TypeSerializerSnapshot<WindowPartial> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<WindowPartial> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    public static final class Factory extends TypeInfoFactory<WindowPartial> {
        @Override
        public TypeInformation<WindowPartial> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return TYPE;
        }
    }
}
