package io.cmbench.jobs.serde;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link Envelope}. Envelopes are never modified after they are built, so the type counts as
 * immutable: chained operators get the same instance (no copy) and with it the record the source already decoded.
 * On the wire only the raw fields travel; the decoded record is rebuilt on demand.
 */
public final class EnvelopeSerializer extends StatelessSerializer<Envelope> {
    private static final long serialVersionUID = 1L;
    public static final EnvelopeSerializer INSTANCE = new EnvelopeSerializer();
    private static final Envelope.Kind[] KINDS = Envelope.Kind.values();

    @Override public boolean isImmutableType() { return true; }
    @Override public Envelope createInstance() { return new Envelope(); }
    @Override public Envelope copy(Envelope from) { return from; }

    @Override
    public void serialize(Envelope e, DataOutputView out) throws IOException {
        writeNullable(e.topic, out);
        out.writeInt(e.partition);
        out.writeLong(e.offset);
        byte[] payload = e.payload == null ? new byte[0] : e.payload;
        out.writeInt(payload.length);
        out.write(payload);
        out.writeByte(e.kind == null ? -1 : e.kind.ordinal());
        out.writeLong(e.eventTime);
        writeNullable(e.field, out);
        writeNullable(e.reason, out);
    }

    @Override
    public Envelope deserialize(DataInputView in) throws IOException {
        Envelope e = new Envelope();
        e.topic = readNullable(in);
        e.partition = in.readInt();
        e.offset = in.readLong();
        e.payload = new byte[in.readInt()];
        in.readFully(e.payload);
        byte kind = in.readByte();
        e.kind = kind < 0 ? null : KINDS[kind];
        e.eventTime = in.readLong();
        e.field = readNullable(in);
        e.reason = readNullable(in);
        return e;
    }

    private static void writeNullable(String s, DataOutputView out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    @Override
    public TypeSerializerSnapshot<Envelope> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Format version 1: the fields above, in that order. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Envelope> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
