package io.cmbench.jobs.serde;

import io.cmbench.jobs.emulation.RequestJob;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink serializer of {@link RequestJob}, the record every emulation stage hands to the next over the network: its
 * fields written in a fixed order. Flink's POJO serializer reads and writes each field by reflection, behind a
 * null mask and a subclass tag, on every hop (fan-out → cache → router → prefill → decode).
 */
public final class RequestJobSerializer extends StatelessSerializer<RequestJob> {
    private static final long serialVersionUID = 1L;
    public static final RequestJobSerializer INSTANCE = new RequestJobSerializer();

    @Override public boolean isImmutableType() { return false; }
    @Override public RequestJob createInstance() { return new RequestJob(); }
    @Override public RequestJob copy(RequestJob from) { return from.copy(); }

    @Override
    public void serialize(RequestJob j, DataOutputView out) throws IOException {
        out.writeInt(j.scenario);
        StringValue.writeString(j.requestId, out);
        out.writeLong(j.arrivalMicros);
        out.writeInt(j.promptTokens);
        out.writeInt(j.outputTokens);
        out.writeInt(j.cacheHitTokens);
        out.writeInt(j.supernode);
        out.writeInt(j.cacheShard);
        out.writeLong(j.soloPrefillMicros);
        out.writeInt(j.prefillInstance);
        out.writeInt(j.decodeInstance);
        out.writeLong(j.prefillStartMicros);
        out.writeLong(j.prefillEndMicros);
        out.writeLong(j.kvTransferEndMicros);
        out.writeLong(j.firstTokenMicros);
        out.writeLong(j.prefillQueueMicros);
        long[] blocks = j.prefixBlocks;
        out.writeInt(blocks == null ? -1 : blocks.length);
        if (blocks != null) {
            for (long b : blocks) {
                out.writeLong(b);
            }
        }
        out.writeInt(j.prefixBlockTokens);
    }

    @Override
    public RequestJob deserialize(DataInputView in) throws IOException {
        RequestJob j = new RequestJob();
        j.scenario = in.readInt();
        j.requestId = StringValue.readString(in);
        j.arrivalMicros = in.readLong();
        j.promptTokens = in.readInt();
        j.outputTokens = in.readInt();
        j.cacheHitTokens = in.readInt();
        j.supernode = in.readInt();
        j.cacheShard = in.readInt();
        j.soloPrefillMicros = in.readLong();
        j.prefillInstance = in.readInt();
        j.decodeInstance = in.readInt();
        j.prefillStartMicros = in.readLong();
        j.prefillEndMicros = in.readLong();
        j.kvTransferEndMicros = in.readLong();
        j.firstTokenMicros = in.readLong();
        j.prefillQueueMicros = in.readLong();
        int n = in.readInt();
        if (n >= 0) {
            long[] blocks = new long[n];
            for (int i = 0; i < n; i++) {
                blocks[i] = in.readLong();
            }
            j.prefixBlocks = blocks;
        }
        j.prefixBlockTokens = in.readInt();
        return j;
    }

    @Override
    public TypeSerializerSnapshot<RequestJob> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Format version 1: the fields above, in that order. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RequestJob> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
