package io.cmbench.jobs.emulation;

import static io.cmbench.jobs.emulation.PoolHarnesses.ONE_SCENARIO;
import static io.cmbench.jobs.emulation.PoolHarnesses.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.FakeCostModel;
import io.cmbench.model.PoolLayout;
import io.cmbench.schemas.EngineStep;
import io.cmbench.schemas.Pool;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrefillPoolFunctionTest {
    // budget 1000 prompt tokens per batch; prefill batch = 5 µs + 1 µs per prompt token
    static final PoolLayout LAYOUT = new PoolLayout(1, 2, 1000, 1, 1, 1, 4, 100_000);
    KeyedOneInputStreamOperatorTestHarness<Long, RequestJob, RequestJob> h;

    @BeforeEach
    void setUp() throws Exception {
        FakeCostModel m = FakeCostModel.simple(LAYOUT);
        h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PrefillPoolFunction(ONE_SCENARIO, m.factory(), EmulationMode.FULL)),
                RequestJob::prefillKey, Types.LONG);
        h.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    @Test
    void batchesFcfsUpToTheTokenBudgetInRequestIdOrderAndClearsState() throws Exception {
        // same arrival time, fed out of id order: the stage must order them by requestId
        h.processElement(new StreamRecord<>(job("c", 0, 200, 10), 0));
        h.processElement(new StreamRecord<>(job("a", 0, 600, 10), 0));
        h.processElement(new StreamRecord<>(job("b", 0, 300, 10), 0));
        h.processWatermark(0);
        assertThat(h.extractOutputValues()).isEmpty(); // batch {a, b} runs 0 .. 905
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        assertThat(h.numKeyedStateEntries()).as("queue, in-flight batch and engine are in state").isPositive();

        h.processElement(new StreamRecord<>(job("d", 50, 100, 10), 50));
        h.processWatermark(904);
        assertThat(h.extractOutputValues()).isEmpty();
        h.processWatermark(2000);

        Map<String, RequestJob> out = h.extractOutputValues().stream()
                .collect(Collectors.toMap(j -> j.requestId, Function.identity()));
        assertThat(out).containsOnlyKeys("a", "b", "c", "d");
        assertThat(out.get("a").prefillStartMicros).isEqualTo(0);
        assertThat(out.get("a").prefillEndMicros).isEqualTo(905); // 5 + 600 + 300
        assertThat(out.get("b").prefillEndMicros).isEqualTo(905);
        assertThat(out.get("a").firstTokenMicros).isEqualTo(905); // FULL: the prefill emits the first token
        assertThat(out.get("c").prefillStartMicros).isEqualTo(905); // c did not fit the budget (600+300+200 > 1000)
        assertThat(out.get("c").prefillEndMicros).isEqualTo(1210); // 905 + 5 + 200 + 100
        assertThat(out.get("d").prefillStartMicros).isEqualTo(905);
        assertThat(out.get("d").prefillQueueMicros).isEqualTo(855);
        // emitted at the batch end: record timestamp = prefill end
        assertThat(h.getOutput()).filteredOn(o -> o instanceof StreamRecord<?>)
                .allSatisfy(o -> {
                    StreamRecord<?> r = (StreamRecord<?>) o;
                    assertThat(r.getTimestamp()).isEqualTo(((RequestJob) r.getValue()).prefillEndMicros);
                });

        List<EngineStep> steps = h.getSideOutput(Stages.STEPS).stream().map(StreamRecord::getValue).toList();
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0).getPool()).isEqualTo(Pool.PREFILL);
        assertThat(steps.get(0).getSequences()).isEqualTo(2);
        assertThat(steps.get(0).getTokens()).isEqualTo(900);
        assertThat(steps.get(0).getDurationMicros()).isEqualTo(905);
        assertThat(steps.get(0).getNpus()).isEqualTo(2);
        assertThat(steps.get(1).getStartMicros()).isEqualTo(905);
        assertThat(steps.get(1).getTokens()).isEqualTo(300);

        assertThat(h.numKeyedStateEntries()).as("state left after every request left").isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aPromptLongerThanTheBudgetRunsAlone() throws Exception {
        h.processElement(new StreamRecord<>(job("big", 10, 5000, 2), 10));
        h.processElement(new StreamRecord<>(job("small", 10, 10, 2), 10));
        h.processWatermark(100_000);
        Map<String, RequestJob> out = h.extractOutputValues().stream()
                .collect(Collectors.toMap(j -> j.requestId, Function.identity()));
        assertThat(out.get("big").prefillEndMicros).isEqualTo(10 + 5 + 5000);
        assertThat(out.get("small").prefillStartMicros).isEqualTo(5015);
        assertThat(h.numKeyedStateEntries()).isZero();
    }
}
