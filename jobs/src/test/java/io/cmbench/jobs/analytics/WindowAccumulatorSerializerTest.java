package io.cmbench.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.SloSpec;
import io.cmbench.schemas.Completion;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class WindowAccumulatorSerializerTest {
    static final SloAggregate AGG = new SloAggregate(SloSpec.defaults());

    static Completion completion(int i, int instance, int die) {
        return Completion.newBuilder().setScenario("s").setRequestId("r" + i).setArrivalTimeMicros(0)
                .setPromptTokens(100).setOutputTokens(i).setPrefillStartMicros(0).setPrefillEndMicros(1_000)
                .setKvTransferEndMicros(1_000).setFirstTokenMicros(1_000).setLastTokenMicros(1_000 + 20_000L * i)
                .setPrefillNpus(16).setDecodeNpus(160).setDecodeInstance(instance).setDecodeDie(die).build();
    }

    static WindowAccumulator fold(List<Completion> cs) {
        WindowAccumulator a = AGG.createAccumulator();
        cs.forEach(c -> AGG.add(c, a));
        return a;
    }

    static byte[] bytes(WindowAccumulator a) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        WindowAccumulatorSerializer.INSTANCE.serialize(a, out);
        return out.getCopyOfBuffer();
    }

    static final List<Completion> CS = List.of(completion(1, 0, 3), completion(2, 1, 0), completion(3, 0, 3),
            completion(4, 0, -1), completion(5, 0, 0), completion(6, -1, -1));

    @Test
    void dieTokensCountOnlyCompletionsWithADieAndSerializeDeterministically() throws Exception {
        WindowAccumulator a = fold(CS);
        assertThat(a.dieTokens).containsExactly(
                java.util.Map.entry(WindowAccumulator.dieKey(0, 0), 5L),
                java.util.Map.entry(WindowAccumulator.dieKey(0, 3), 4L),
                java.util.Map.entry(WindowAccumulator.dieKey(1, 0), 2L));
        assertThat(SloWindowFunction.dieLoad(a).toString())
                .isEqualTo("{\"dies\": 3, \"minTokens\": 2, \"meanTokens\": 3.6666666666666665, \"maxTokens\": 5}");

        // the same completions in another order: same bytes
        List<Completion> rev = new java.util.ArrayList<>(CS);
        java.util.Collections.reverse(rev);
        WindowAccumulator reversed = fold(rev);
        assertThat(bytes(reversed)).isEqualTo(bytes(a));
        WindowAccumulator back = WindowAccumulatorSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes(a)));
        assertThat(back.dieTokens).isEqualTo(a.dieTokens);
        assertThat(bytes(back)).isEqualTo(bytes(a));
        assertThat(bytes(WindowAccumulatorSerializer.INSTANCE.copy(a))).isEqualTo(bytes(a));

        // merging accumulators of two halves = folding all
        WindowAccumulator merged = AGG.merge(fold(CS.subList(0, 3)), fold(CS.subList(3, CS.size())));
        assertThat(bytes(merged)).isEqualTo(bytes(a));

        WindowAccumulator none = fold(List.of(completion(7, 0, -1)));
        assertThat(SloWindowFunction.dieLoad(none).toString())
                .isEqualTo("{\"dies\": 0, \"minTokens\": 0, \"meanTokens\": 0.0, \"maxTokens\": 0}");
    }

    @Test
    void stateWrittenBeforeDieTokensIsMigrated() throws Exception {
        // the earlier snapshot (SimpleTypeSerializerSnapshot, same class name) wrote version 3 and no content
        DataOutputSerializer snap = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(snap, new WindowAccumulatorSerializer.Snapshot(3));
        TypeSerializerSnapshot<WindowAccumulator> old = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(snap.getCopyOfBuffer()), getClass().getClassLoader());
        TypeSerializerSchemaCompatibility<WindowAccumulator> compat =
                WindowAccumulatorSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(old);
        assertThat(compat.isCompatibleAfterMigration()).isTrue();

        WindowAccumulator a = fold(CS);
        DataOutputSerializer v3 = new DataOutputSerializer(64);
        WindowAccumulatorSerializer.write(a, v3, false);
        WindowAccumulator restored = old.restoreSerializer().deserialize(new DataInputDeserializer(v3.getCopyOfBuffer()));
        assertThat(restored.count).isEqualTo(a.count);
        assertThat(restored.e2e.getTotalCount()).isEqualTo(a.e2e.getTotalCount());
        assertThat(restored.dieTokens).isEmpty();

        // current snapshots are compatible as is
        DataOutputSerializer cur = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(cur, WindowAccumulatorSerializer.INSTANCE.snapshotConfiguration());
        TypeSerializerSnapshot<WindowAccumulator> now = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(cur.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(WindowAccumulatorSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(now)
                .isCompatibleAsIs()).isTrue();
        assertThat(now.restoreSerializer()).isSameAs(WindowAccumulatorSerializer.INSTANCE);
    }
}
