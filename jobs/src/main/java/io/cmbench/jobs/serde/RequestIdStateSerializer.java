package io.cmbench.jobs.serde;

import io.cmbench.jobs.emulation.RequestIdState;
import java.io.IOException;
import java.util.ArrayList;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Flink serializer of {@link RequestIdState}: its envelopes by {@link EnvelopeSerializer}, then the plain fields. */
public final class RequestIdStateSerializer extends StatelessSerializer<RequestIdState> {
    private static final long serialVersionUID = 1L;
    public static final RequestIdStateSerializer INSTANCE = new RequestIdStateSerializer();
    private static final EnvelopeSerializer ENVELOPE = EnvelopeSerializer.INSTANCE;

    @Override public boolean isImmutableType() { return false; }
    @Override public RequestIdState createInstance() { return new RequestIdState(); }

    @Override
    public RequestIdState copy(RequestIdState from) {
        RequestIdState c = new RequestIdState();
        c.held = from.held;
        c.losers = from.losers == null ? null : new ArrayList<>(from.losers);
        c.decided = from.decided;
        c.keptPartition = from.keptPartition;
        c.keptOffset = from.keptOffset;
        c.keptArrivalMicros = from.keptArrivalMicros;
        c.forgetAtMicros = from.forgetAtMicros;
        return c;
    }

    @Override
    public void serialize(RequestIdState s, DataOutputView out) throws IOException {
        out.writeBoolean(s.held != null);
        if (s.held != null) {
            ENVELOPE.serialize(s.held, out);
        }
        int losers = s.losers == null ? 0 : s.losers.size();
        out.writeInt(losers);
        for (int i = 0; i < losers; i++) {
            ENVELOPE.serialize(s.losers.get(i), out);
        }
        out.writeBoolean(s.decided);
        out.writeInt(s.keptPartition);
        out.writeLong(s.keptOffset);
        out.writeLong(s.keptArrivalMicros);
        out.writeLong(s.forgetAtMicros);
    }

    @Override
    public RequestIdState deserialize(DataInputView in) throws IOException {
        RequestIdState s = new RequestIdState();
        if (in.readBoolean()) {
            s.held = ENVELOPE.deserialize(in);
        }
        int losers = in.readInt();
        if (losers > 0) {
            s.losers = new ArrayList<>(losers);
            for (int i = 0; i < losers; i++) {
                s.losers.add(ENVELOPE.deserialize(in));
            }
        }
        s.decided = in.readBoolean();
        s.keptPartition = in.readInt();
        s.keptOffset = in.readLong();
        s.keptArrivalMicros = in.readLong();
        s.forgetAtMicros = in.readLong();
        return s;
    }

    @Override
    public TypeSerializerSnapshot<RequestIdState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Format version 1: the fields above, in that order. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RequestIdState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
