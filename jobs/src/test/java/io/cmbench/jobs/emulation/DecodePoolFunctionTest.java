package io.cmbench.jobs.emulation;

import static io.cmbench.jobs.emulation.PoolHarnesses.ONE_SCENARIO;
import static io.cmbench.jobs.emulation.PoolHarnesses.job;
import static io.cmbench.jobs.emulation.PoolHarnesses.prefilled;
import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.FakeCostModel;
import io.cmbench.jobs.serde.AvroTypeInfo;
import org.apache.flink.api.common.ExecutionConfig;
import io.cmbench.model.PoolLayout;
import io.cmbench.schemas.Completion;
import io.cmbench.schemas.EngineStep;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DecodePoolFunctionTest {
    // 1 decode instance of 1 NPU with 2 dies, batch cap 2 per NPU (1 per die), decode step = 10 µs
    static final PoolLayout LAYOUT = new PoolLayout(2, 4, 1000, 1, 1, 2, 2, 10_000);

    static KeyedOneInputStreamOperatorTestHarness<Long, RequestJob, Completion> harness(FakeCostModel m, EmulationMode mode)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DecodePoolFunction(ONE_SCENARIO, m.factory(), mode, 42L)),
                RequestJob::decodeKey, Types.LONG);
        // without flink-avro, Flink cannot infer a serializer for Avro records: give it ours
        h.setup(AvroTypeInfo.forClass(Completion.class).createSerializer(new ExecutionConfig().getSerializerConfig()));
        h.open();
        return h;
    }

    @Test
    void continuousBatchingWithBatchCapLeastLoadedDiesAndStateCleared() throws Exception {
        var h = harness(FakeCostModel.simple(LAYOUT), EmulationMode.FULL);
        // records carry their prefill end as timestamp, enter decode at kvTransferEnd
        h.processElement(new StreamRecord<>(prefilled("z", 90, 100, 50, 4), 90)); // 3 decode tokens
        h.processElement(new StreamRecord<>(prefilled("y", 90, 100, 50, 2), 90)); // 1 decode token
        h.processElement(new StreamRecord<>(prefilled("x", 90, 100, 50, 3), 90)); // 2 decode tokens
        h.processElement(new StreamRecord<>(prefilled("w", 95, 95, 50, 1), 95)); // done by the prefill
        h.processWatermark(99);
        assertThat(h.extractOutputValues()).singleElement().satisfies(c -> {
            assertThat(c.getRequestId()).isEqualTo("w");
            assertThat(c.getFirstTokenMicros()).isEqualTo(95);
            assertThat(c.getLastTokenMicros()).isEqualTo(95);
            assertThat(c.getDecodeDie()).isEqualTo(-1);
        });
        h.processWatermark(1_000);

        Map<String, Completion> out = h.extractOutputValues().stream()
                .collect(Collectors.toMap(Completion::getRequestId, Function.identity()));
        assertThat(out).containsOnlyKeys("w", "x", "y", "z");
        // t=100: x -> die 0, y -> die 1 (cap 2 reached), z waits; steps 100-110, 110-120, ...
        assertThat(out.get("y").getLastTokenMicros()).isEqualTo(110);
        assertThat(out.get("y").getDecodeDie()).isEqualTo(1);
        assertThat(out.get("x").getLastTokenMicros()).isEqualTo(120);
        assertThat(out.get("x").getDecodeDie()).isEqualTo(0);
        assertThat(out.get("x").getDecodeQueueMicros()).isZero();
        // z admitted at 110 to the emptier die 1, needs 3 steps: 110-120, 120-130, 130-140
        assertThat(out.get("z").getLastTokenMicros()).isEqualTo(140);
        assertThat(out.get("z").getDecodeDie()).isEqualTo(1);
        assertThat(out.get("z").getDecodeQueueMicros()).isEqualTo(10);
        assertThat(out.get("z").getFirstTokenMicros()).isEqualTo(100); // FULL: the first token arrives with the KV transfer
        assertThat(out.get("z").getDecodeNpus()).isEqualTo(1);
        assertThat(out.get("z").getPrefillNpus()).isEqualTo(8);
        assertThat(out.get("z").getScenario()).isEqualTo("s0");

        List<EngineStep> steps = h.getSideOutput(Stages.STEPS).stream().map(StreamRecord::getValue).toList();
        assertThat(steps).extracting(EngineStep::getStartMicros).containsExactly(100L, 110L, 120L, 130L);
        assertThat(steps).extracting(EngineStep::getSequences).containsExactly(2, 2, 1, 1);
        assertThat(steps).extracting(EngineStep::getTokens).containsExactly(2L, 2L, 1L, 1L);
        // KV read by step 1: x and y each hold prompt + first token = 51
        assertThat(steps.get(0).getKvTokens()).isEqualTo(102);
        // step 2: x (52) + z (51)
        assertThat(steps.get(1).getKvTokens()).isEqualTo(103);
        // per-die load: steps 1-2 one sequence on each die; steps 3-4 only z on die 1 (die 0 idle)
        assertThat(steps).extracting(EngineStep::getActiveDies).containsExactly(2, 2, 1, 1);
        assertThat(steps).extracting(EngineStep::getMinSequencesPerDie).containsExactly(1, 1, 0, 0);
        assertThat(steps).extracting(EngineStep::getMaxSequencesPerDie).containsExactly(1, 1, 1, 1);
        // largest KV on one die: 51 (x, y), 52 (x), then z 52 and 53
        assertThat(steps).extracting(EngineStep::getMaxKvTokensPerDie).containsExactly(51L, 52L, 52L, 53L);
        assertThat(steps).extracting(EngineStep::getCachedTokens).containsOnly(0L);

        assertThat(h.numKeyedStateEntries()).as("state left after every request left").isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }

    @Test
    void stepTimeComesFromPerDieSequenceCounts() throws Exception {
        // step = 10 + 3 µs x max sequences on a die; cap 4 per NPU, 2 dies -> 2 per die
        PoolLayout layout = new PoolLayout(1, 1, 1000, 1, 1, 2, 4, 10_000);
        var m = new FakeCostModel(layout, 10, 3, 0, 0, 0, 0, 0.0);
        var h = harness(m, EmulationMode.FULL);
        for (String id : List.of("a", "b", "c")) {
            h.processElement(new StreamRecord<>(prefilled(id, 0, 0, 10, 2), 0));
        }
        h.processWatermark(1_000);
        // dies hold 2 and 1 sequences -> 10 + 3 x 2 = 16
        assertThat(h.extractOutputValues()).extracting(Completion::getLastTokenMicros).containsOnly(16L);
        // a, c on die 0 and b on die 1, each with KV 10 + 1
        List<EngineStep> steps = h.getSideOutput(Stages.STEPS).stream().map(StreamRecord::getValue).toList();
        assertThat(steps).singleElement().satisfies(st -> {
            assertThat(st.getSequences()).isEqualTo(3);
            assertThat(st.getActiveDies()).isEqualTo(2);
            assertThat(st.getMinSequencesPerDie()).isEqualTo(1);
            assertThat(st.getMaxSequencesPerDie()).isEqualTo(2);
            assertThat(st.getMaxKvTokensPerDie()).isEqualTo(22);
            assertThat(st.getKvTokens()).isEqualTo(33);
        });
        h.close();
    }

    @Test
    void kvCapacityPerDieHoldsTheQueueHead() throws Exception {
        // one die with 300 KV tokens: a (needs 200) runs, b (needs 200) must wait for a to leave
        PoolLayout layout = new PoolLayout(1, 1, 1000, 1, 1, 1, 8, 300);
        var h = harness(FakeCostModel.simple(layout), EmulationMode.FULL);
        h.processElement(new StreamRecord<>(prefilled("a", 0, 0, 100, 100), 0));
        h.processElement(new StreamRecord<>(prefilled("b", 0, 0, 100, 100), 0));
        h.processWatermark(100_000);
        Map<String, Completion> out = h.extractOutputValues().stream()
                .collect(Collectors.toMap(Completion::getRequestId, Function.identity()));
        assertThat(out.get("a").getLastTokenMicros()).isEqualTo(99 * 10);
        assertThat(out.get("b").getDecodeQueueMicros()).isEqualTo(990);
        assertThat(out.get("b").getLastTokenMicros()).isEqualTo(2 * 990);
        assertThat(h.numKeyedStateEntries()).isZero();
        h.close();
    }

    @Test
    void decodeOnlyModeEmitsTheFirstTokenAtTheEndOfTheFirstStep() throws Exception {
        var h = harness(FakeCostModel.simple(LAYOUT), EmulationMode.DECODE_ONLY);
        RequestJob j = job("r", 1_000, 100, 3);
        j.prefillStartMicros = j.prefillEndMicros = j.kvTransferEndMicros = 1_000;
        h.processElement(new StreamRecord<>(j, 1_000));
        h.processWatermark(5_000);
        assertThat(h.extractOutputValues()).singleElement().satisfies(c -> {
            assertThat(c.getFirstTokenMicros()).isEqualTo(1_010);
            assertThat(c.getLastTokenMicros()).isEqualTo(1_030); // 3 tokens, 3 steps
        });
        assertThat(h.numKeyedStateEntries()).isZero();
        h.close();
    }

    @Test
    void mtpStepsAreDrawnPerRequestDeterministically() throws Exception {
        assertThat(MtpDraw.steps(1, "s", "r", 5, 1, 1.0)).isEqualTo(3); // 2 tokens per step
        assertThat(MtpDraw.steps(1, "s", "r", 5, 1, 0.0)).isEqualTo(5);
        assertThat(MtpDraw.steps(1, "s", "r", 0, 1, 0.7)).isZero();
        assertThat(MtpDraw.steps(7, "s", "r1", 100, 1, 0.7)).isEqualTo(MtpDraw.steps(7, "s", "r1", 100, 1, 0.7));
        double mean = 0;
        int n = 2000;
        for (int i = 0; i < n; i++) {
            mean += MtpDraw.steps(7, "s", "r" + i, 100, 1, 0.7);
        }
        mean /= n;
        assertThat(mean).isBetween(57.5, 60.5); // ~ 100 / 1.7

        // with MTP the decode stage finishes requests in fewer steps
        var h = harness(new FakeCostModel(LAYOUT, 10, 0, 0, 0, 0, 1, 1.0), EmulationMode.FULL);
        h.processElement(new StreamRecord<>(prefilled("m", 0, 0, 10, 9), 0)); // 8 decode tokens, 2 per step
        h.processWatermark(1_000);
        assertThat(h.extractOutputValues()).singleElement()
                .satisfies(c -> assertThat(c.getLastTokenMicros()).isEqualTo(40));
        h.close();
    }
}
