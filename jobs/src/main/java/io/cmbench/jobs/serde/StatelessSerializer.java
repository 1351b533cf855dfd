package io.cmbench.jobs.serde;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Base of the project's hand-written Flink serializers: variable length, no object reuse on read, and a record copy
 * between views by reading and writing it (formats are small and self-delimiting).
 */
public abstract class StatelessSerializer<T> extends TypeSerializerSingleton<T> {
    private static final long serialVersionUID = 1L;

    @Override public int getLength() { return -1; }
    @Override public T copy(T from, T reuse) { return copy(from); }
    @Override public T deserialize(T reuse, DataInputView in) throws IOException { return deserialize(in); }
    @Override public void copy(DataInputView in, DataOutputView out) throws IOException { serialize(deserialize(in), out); }
}
