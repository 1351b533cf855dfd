package io.cmbench.jobs.analytics;

import io.cmbench.jobs.LatencyHistograms;
import io.cmbench.jobs.serde.StatelessSerializer;
import java.io.IOException;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link WindowAccumulator}; histograms travel in HdrHistogram's compressed encoding, the
 * per-die token totals as (key, tokens) pairs in ascending key order (deterministic bytes).
 *
 * <p>Format versions (the {@link Snapshot}'s version): 3 = without the per-die totals (written by the earlier
 * {@code SimpleTypeSerializerSnapshot}-based snapshot), 4 = with them, appended after the histograms. State written
 * in version 3 is read by {@link WithoutDieTokens} and migrated (its windows then have no die totals).
 */
public final class WindowAccumulatorSerializer extends StatelessSerializer<WindowAccumulator> {
    private static final long serialVersionUID = 1L;
    public static final WindowAccumulatorSerializer INSTANCE = new WindowAccumulatorSerializer();

    /** Format without the per-die totals. */
    static final int VERSION_WITHOUT_DIE_TOKENS = 3;
    /** Current format. */
    static final int VERSION_WITH_DIE_TOKENS = 4;

    @Override public boolean isImmutableType() { return false; }
    @Override public WindowAccumulator createInstance() { return new WindowAccumulator(); }

    @Override
    public WindowAccumulator copy(WindowAccumulator from) {
        WindowAccumulator to = new WindowAccumulator(from.goodRequests.length);
        to.scenario = from.scenario;
        return to.mergeFrom(from);
    }

    @Override
    public void serialize(WindowAccumulator a, DataOutputView out) throws IOException {
        write(a, out, true);
    }

    @Override
    public WindowAccumulator deserialize(DataInputView in) throws IOException {
        return read(in, true);
    }


    static void write(WindowAccumulator a, DataOutputView out, boolean dieTokens) throws IOException {
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
        if (dieTokens) {
            out.writeInt(a.dieTokens.size());
            for (Map.Entry<Long, Long> e : a.dieTokens.entrySet()) { // TreeMap: ascending keys
                out.writeLong(e.getKey());
                out.writeLong(e.getValue());
            }
        }
    }

    static WindowAccumulator read(DataInputView in, boolean dieTokens) throws IOException {
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
        if (dieTokens) {
            int dies = in.readInt();
            for (int i = 0; i < dies; i++) {
                a.dieTokens.put(in.readLong(), in.readLong());
            }
        }
        return a;
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

    /** Reads (and writes) state in the format without per-die totals: restoring version-3 state only. */
    static final class WithoutDieTokens extends StatelessSerializer<WindowAccumulator> {
        private static final long serialVersionUID = 1L;
        static final WithoutDieTokens INSTANCE = new WithoutDieTokens();

        @Override public boolean isImmutableType() { return false; }
        @Override public WindowAccumulator createInstance() { return new WindowAccumulator(); }
        @Override public WindowAccumulator copy(WindowAccumulator from) { return WindowAccumulatorSerializer.INSTANCE.copy(from); }
        @Override public void serialize(WindowAccumulator a, DataOutputView out) throws IOException { write(a, out, false); }
        @Override public WindowAccumulator deserialize(DataInputView in) throws IOException { return read(in, false); }
        @Override public TypeSerializerSnapshot<WindowAccumulator> snapshotConfiguration() {
            return new Snapshot(VERSION_WITHOUT_DIE_TOKENS);
        }
    }

    /**
     * Versioned snapshot. Same class name as the earlier {@code SimpleTypeSerializerSnapshot}-based one, which wrote
     * version 3 and no content, so its snapshots are read here as version 3.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<WindowAccumulator> {
        private int version;

        public Snapshot() {
            this(VERSION_WITH_DIE_TOKENS);
        }

        Snapshot(int version) {
            this.version = version;
        }

        int version() {
            return version;
        }

        @Override
        public int getCurrentVersion() {
            return version;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {}

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            if (readVersion != VERSION_WITHOUT_DIE_TOKENS && readVersion != VERSION_WITH_DIE_TOKENS) {
                throw new IOException("unknown WindowAccumulator serializer snapshot version " + readVersion);
            }
            version = readVersion;
        }

        @Override
        public TypeSerializer<WindowAccumulator> restoreSerializer() {
            return version == VERSION_WITHOUT_DIE_TOKENS ? WithoutDieTokens.INSTANCE : INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<WindowAccumulator> resolveSchemaCompatibility(
                TypeSerializerSnapshot<WindowAccumulator> old) {
            if (!(old instanceof Snapshot s)) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            if (s.version == version) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return s.version == VERSION_WITHOUT_DIE_TOKENS && version == VERSION_WITH_DIE_TOKENS
                    ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
