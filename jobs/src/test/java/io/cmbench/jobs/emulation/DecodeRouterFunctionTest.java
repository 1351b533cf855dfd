package io.cmbench.jobs.emulation;

import static io.cmbench.jobs.emulation.PoolHarnesses.ONE_SCENARIO;
import static io.cmbench.jobs.emulation.PoolHarnesses.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.FakeCostModel;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.scenario.ScenarioPolicies;
import io.cmbench.model.scenario.ScenarioPolicies.Routing;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DecodeRouterFunctionTest {
    static final PoolLayout THREE_DECODE = new PoolLayout(1, 1, 1000, 3, 1, 2, 4, 100_000);

    KeyedOneInputStreamOperatorTestHarness<Long, RequestJob, RequestJob> harness(Routing routing) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new DecodeRouterFunction(
                ONE_SCENARIO, List.of(new ScenarioPolicies(Routing.LEAST_LOADED, routing, 0)),
                FakeCostModel.simple(THREE_DECODE).factory())), RequestJob::scenarioKey, Types.LONG);
        h.open();
        return h;
    }

    @Test
    void leastAssignedWorkInArrivalThenIdOrder() throws Exception {
        var h = harness(Routing.LEAST_LOADED);
        // fed out of order; routed in (arrival, requestId) order: a(100) b(10) c(10) at 0, then d(5), e(5) at 7
        h.processElement(new StreamRecord<>(job("e", 7, 10, 5), 7));
        h.processElement(new StreamRecord<>(job("c", 0, 10, 10), 0));
        h.processElement(new StreamRecord<>(job("a", 0, 10, 100), 0));
        h.processElement(new StreamRecord<>(job("d", 7, 10, 5), 7));
        h.processElement(new StreamRecord<>(job("b", 0, 10, 10), 0));
        h.processWatermark(0);
        assertThat(h.extractOutputValues()).extracting(j -> j.requestId).containsExactly("a", "b", "c");
        h.processWatermark(100);
        List<RequestJob> out = h.extractOutputValues();
        assertThat(out).extracting(j -> j.requestId).containsExactly("a", "b", "c", "d", "e");
        // assigned output tokens: a -> 0 (100), b -> 1 (10), c -> 2 (10), d -> 1 (15), e -> 2 (15)
        assertThat(out).extracting(j -> j.decodeInstance).containsExactly(0, 1, 2, 1, 2);
        assertThat(h.getOutput()).filteredOn(o -> o instanceof StreamRecord<?>).allSatisfy(o -> assertThat(
                ((StreamRecord<?>) o).getTimestamp()).isEqualTo(((RequestJob) ((StreamRecord<?>) o).getValue()).arrivalMicros));
        assertThat(h.numKeyedStateEntries()).as("only the router's counters").isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }

    @Test
    void roundRobin() throws Exception {
        var h = harness(Routing.ROUND_ROBIN);
        for (String id : List.of("a", "b", "c", "d")) {
            h.processElement(new StreamRecord<>(job(id, 3, 10, id.equals("a") ? 1000 : 1), 3));
        }
        h.processWatermark(3);
        assertThat(h.extractOutputValues()).extracting(j -> j.decodeInstance).containsExactly(0, 1, 2, 0);
        h.close();
    }
}
