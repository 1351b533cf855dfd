package io.cmbench.jobs.analytics;

import io.cmbench.jobs.LatencyHistograms;
import java.io.IOException;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Flink serializer of {@link WindowAccumulator}; histograms travel in HdrHistogram's compressed encoding. */
public final class WindowAccumulatorSerializer extends TypeSerializerSingleton<WindowAccumulator> {
    private static final long serialVersionUID = 1L;
    public static final WindowAccumulatorSerializer INSTANCE = new WindowAccumulatorSerializer();

    @Override public boolean isImmutableType() { return false; }
    @Override public WindowAccumulator createInstance() { return new WindowAccumulator(); }

    @Override
    public WindowAccumulator copy(WindowAccumulator from) {
        WindowAccumulator to = new WindowAccumulator(from.goodRequests.length);
        to.scenario = from.scenario;
        return to.mergeFrom(from);
    }

    @Override public WindowAccumulator copy(WindowAccumulator from, WindowAccumulator reuse) { return copy(from); }
    @Override public int getLength() { return -1; }

    @Override
    public void serialize(WindowAccumulator a, DataOutputView out) throws IOException {
        out.writeBoolean(a.scenario != null);
        if (a.scenario != null) {
            out.writeUTF(a.scenario);
        }
        out.writeInt(a.decodeNpus);
        out.writeInt(a.prefillNpus);
        out.writeLong(a.count);
        out.writeLong(a.outputTokens);
        out.writeLong(a.promptTokens);
        out.writeInt(a.goodRequests.length);
        for (int i = 0; i < a.goodRequests.length; i++) {
            out.writeLong(a.goodRequests[i]);
            out.writeLong(a.goodOutputTokens[i]);
        }
        writeHistogram(a.ttft, out);
        writeHistogram(a.tpot, out);
        writeHistogram(a.e2e, out);
    }

    @Override
    public WindowAccumulator deserialize(DataInputView in) throws IOException {
        String scenario = in.readBoolean() ? in.readUTF() : null;
        int decodeNpus = in.readInt();
        int prefillNpus = in.readInt();
        long count = in.readLong();
        long out = in.readLong();
        long prompt = in.readLong();
        int n = in.readInt();
        WindowAccumulator a = new WindowAccumulator(n);
        a.scenario = scenario;
        a.decodeNpus = decodeNpus;
        a.prefillNpus = prefillNpus;
        a.count = count;
        a.outputTokens = out;
        a.promptTokens = prompt;
        for (int i = 0; i < n; i++) {
            a.goodRequests[i] = in.readLong();
            a.goodOutputTokens[i] = in.readLong();
        }
        a.ttft = readHistogram(in);
        a.tpot = readHistogram(in);
        a.e2e = readHistogram(in);
        return a;
    }

    @Override
    public WindowAccumulator deserialize(WindowAccumulator reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    private static void writeHistogram(Histogram h, DataOutputView out) throws IOException {
        byte[] b = LatencyHistograms.encode(h);
        out.writeInt(b.length);
        out.write(b);
    }

    private static Histogram readHistogram(DataInputView in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return LatencyHistograms.decode(b);
    }

    @Override
    public TypeSerializerSnapshot<WindowAccumulator> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<WindowAccumulator> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
