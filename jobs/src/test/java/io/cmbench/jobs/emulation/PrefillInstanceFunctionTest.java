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
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrefillInstanceFunctionTest {
    // budget 1000 prompt tokens per batch; prefill batch = 5 µs + 1 µs per uncached token
    static final PoolLayout LAYOUT = new PoolLayout(3, 2, 1000, 1, 1, 1, 4, 100_000);

    KeyedOneInputStreamOperatorTestHarness<Long, RequestJob, RequestJob> h;

    @BeforeEach
    void open() throws Exception {
        h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new PrefillInstanceFunction(
                ONE_SCENARIO, FakeCostModel.simple(LAYOUT).factory(), EmulationMode.FULL)),
                j -> RequestJob.key(j.scenario, j.prefillInstance), Types.LONG);
        h.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    static RequestJob on(int instance, RequestJob j) {
        j.prefillInstance = instance;
        return j;
    }

    void add(RequestJob j) throws Exception {
        PoolHarnesses.add(h, j);
    }

    Map<String, RequestJob> outputById() {
        return PoolHarnesses.outputById(h);
    }

    @Test
    void batchesFcfsUpToTheTokenBudgetInRequestIdOrderAndClearsState() throws Exception {
        // same arrival time, fed out of id order: the stage must order them by requestId
        add(on(2, job("c", 0, 200, 10)));
        add(on(2, job("a", 0, 600, 10)));
        add(on(2, job("b", 0, 300, 10)));
        h.processWatermark(0);
        assertThat(h.extractOutputValues()).isEmpty(); // batch {a, b} runs 0 .. 905
        assertThat(h.numEventTimeTimers()).isEqualTo(1);

        add(on(2, job("d", 50, 100, 10)));
        h.processWatermark(904);
        assertThat(h.extractOutputValues()).isEmpty();
        h.processWatermark(2000);

        Map<String, RequestJob> out = outputById();
        assertThat(out).containsOnlyKeys("a", "b", "c", "d");
        assertThat(out.get("a").prefillStartMicros).isEqualTo(0);
        assertThat(out.get("a").prefillEndMicros).isEqualTo(905); // 5 + 600 + 300
        assertThat(out.get("b").prefillEndMicros).isEqualTo(905);
        assertThat(out.get("a").firstTokenMicros).isEqualTo(905); // FULL: the prefill emits the first token
        assertThat(out.get("c").prefillStartMicros).isEqualTo(905); // c did not fit the budget (600+300+200 > 1000)
        assertThat(out.get("c").prefillEndMicros).isEqualTo(1210); // 905 + 5 + 200 + 100
        assertThat(out.get("d").prefillStartMicros).isEqualTo(905);
        assertThat(out.get("d").prefillQueueMicros).isEqualTo(855);
        assertThat(out.values()).allSatisfy(j -> assertThat(j.prefillInstance).isEqualTo(2));
        // emitted at the batch end: record timestamp = prefill end
        assertThat(h.getOutput()).filteredOn(o -> o instanceof StreamRecord<?>).allSatisfy(o -> {
            StreamRecord<?> r = (StreamRecord<?>) o;
            assertThat(r.getTimestamp()).isEqualTo(((RequestJob) r.getValue()).prefillEndMicros);
        });

        List<EngineStep> steps = h.getSideOutput(Stages.STEPS).stream().map(StreamRecord::getValue).toList();
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0).getPool()).isEqualTo(Pool.PREFILL);
        assertThat(steps.get(0).getInstance()).isEqualTo(2);
        assertThat(steps.get(0).getSequences()).isEqualTo(2);
        assertThat(steps.get(0).getTokens()).isEqualTo(900);
        assertThat(steps.get(0).getDurationMicros()).isEqualTo(905);
        assertThat(steps.get(0).getNpus()).isEqualTo(2);
        assertThat(steps.get(1).getStartMicros()).isEqualTo(905);
        assertThat(steps.get(1).getTokens()).isEqualTo(300);
        assertThat(steps).allSatisfy(st -> {
            assertThat(st.getCachedTokens()).as("no cache hits").isZero();
            assertThat(st.getActiveDies()).as("decode-only fields stay at their defaults").isZero();
        });
        assertThat(h.numKeyedStateEntries()).as("no state left after every request left").isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aPromptLongerThanTheBudgetRunsAlone() throws Exception {
        add(on(0, job("big", 10, 5000, 2)));
        add(on(0, job("small", 10, 10, 2)));
        h.processWatermark(100_000);
        Map<String, RequestJob> out = outputById();
        assertThat(out.get("big").prefillEndMicros).isEqualTo(10 + 5 + 5000);
        assertThat(out.get("small").prefillStartMicros).isEqualTo(5015);
    }

    @Test
    void cachedTokensShortenTheBatchAndAreReportedOnItsStep() throws Exception {
        RequestJob a = on(1, job("a", 0, 350, 5));
        a.cacheHitTokens = 300;
        add(a);
        add(on(1, job("b", 0, 350, 5)));
        h.processWatermark(100_000);
        assertThat(outputById().get("a").prefillEndMicros).isEqualTo(5 + 50 + 350);
        assertThat(h.getSideOutput(Stages.STEPS)).singleElement()
                .satisfies(r -> assertThat(r.getValue().getCachedTokens()).isEqualTo(300));
    }

    @Test
    void instancesAreIndependentKeys() throws Exception {
        add(on(0, job("a", 0, 500, 5)));
        add(on(1, job("b", 0, 500, 5)));
        h.processWatermark(100_000);
        // each alone on its instance: both start at 0, not batched together or queued behind each other
        assertThat(outputById().values()).allSatisfy(j -> {
            assertThat(j.prefillStartMicros).isZero();
            assertThat(j.prefillEndMicros).isEqualTo(505);
        });
    }
}
