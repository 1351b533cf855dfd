package io.cmbench.jobs.emulation;

import static io.cmbench.jobs.emulation.PoolHarnesses.ONE_SCENARIO;
import static io.cmbench.jobs.emulation.PoolHarnesses.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.FakeCostModel;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.scenario.ScenarioPolicies;
import io.cmbench.model.scenario.ScenarioPolicies.Routing;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InstanceRouterFunctionTest {
    /** A fleet of 2 supernodes, each with 3 prefill and 2 decode instances. */
    static final PoolLayout FLEET = new PoolLayout(6, 1, 10_000, 4, 1, 2, 4, 100_000, 2);

    KeyedOneInputStreamOperatorTestHarness<Long, RequestJob, RequestJob> h;

    void open(Routing prefill, Routing decode, EmulationMode mode) throws Exception {
        h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new InstanceRouterFunction(
                ONE_SCENARIO, List.of(new ScenarioPolicies(prefill, decode, 0)), FakeCostModel.simple(FLEET).factory(), mode)),
                j -> RequestJob.key(j.scenario, j.supernode), Types.LONG);
        h.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    static RequestJob onSupernode1(String id, long arrival, long soloPrefillMicros, int outputTokens) {
        RequestJob j = job(id, arrival, 100, outputTokens);
        j.supernode = 1;
        j.prefillInstance = -1;
        j.decodeInstance = -1;
        j.soloPrefillMicros = soloPrefillMicros;
        return j;
    }

    @Test
    void leastBookedWorkForPrefillAndLeastAssignedTokensForDecodeInArrivalThenIdOrder() throws Exception {
        open(Routing.LEAST_LOADED, Routing.LEAST_LOADED, EmulationMode.FULL);
        // fed out of order; routed in (arrival, requestId) order
        h.processElement(new StreamRecord<>(onSupernode1("f", 400, 50, 10), 400));
        h.processElement(new StreamRecord<>(onSupernode1("c", 0, 300, 5), 0));
        h.processElement(new StreamRecord<>(onSupernode1("a", 0, 1000, 10), 0));
        h.processElement(new StreamRecord<>(onSupernode1("e", 200, 50, 10), 200));
        h.processElement(new StreamRecord<>(onSupernode1("d", 0, 50, 10), 0));
        h.processElement(new StreamRecord<>(onSupernode1("b", 0, 100, 30), 0));
        h.processWatermark(0);
        assertThat(h.extractOutputValues()).extracting(j -> j.requestId).containsExactly("a", "b", "c", "d");
        h.processWatermark(1_000);
        List<RequestJob> out = h.extractOutputValues();
        assertThat(out).extracting(j -> j.requestId).containsExactly("a", "b", "c", "d", "e", "f");
        // booked work ends (local instances 0, 1, 2): a -> 0 (1000), b -> 1 (100), c -> 2 (300), d -> 1 (150);
        // at 200 e: 1000 / 200 / 300 -> 1 (250); at 400 f: 1000 / 400 / 400 -> tie, the lower 1.
        // Supernode 1's prefill instances are 3, 4, 5 globally.
        assertThat(out).extracting(j -> j.prefillInstance).containsExactly(3, 4, 5, 4, 4, 4);
        // decode, output tokens sent (local 0, 1): a 10 -> 0, b 30 -> 1, c 5 -> 0 (15), d 10 -> 0 (25), e -> 0 (35),
        // f: 35 vs 30 -> 1. Supernode 1's decode instances are 2, 3.
        assertThat(out).extracting(j -> j.decodeInstance).containsExactly(2, 3, 2, 2, 2, 3);
        assertThat(h.getOutput()).filteredOn(o -> o instanceof StreamRecord<?>).allSatisfy(o -> assertThat(
                ((StreamRecord<?>) o).getTimestamp()).isEqualTo(((RequestJob) ((StreamRecord<?>) o).getValue()).arrivalMicros));
        assertThat(h.numKeyedStateEntries()).as("only the router's counters").isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void roundRobinOnBothPools() throws Exception {
        open(Routing.ROUND_ROBIN, Routing.ROUND_ROBIN, EmulationMode.FULL);
        for (String id : List.of("a", "b", "c", "d")) {
            h.processElement(new StreamRecord<>(onSupernode1(id, 3, id.equals("a") ? 1000 : 1, 1), 3));
        }
        h.processWatermark(3);
        assertThat(h.extractOutputValues()).extracting(j -> j.prefillInstance).containsExactly(3, 4, 5, 3);
        assertThat(h.extractOutputValues()).extracting(j -> j.decodeInstance).containsExactly(2, 3, 2, 3);
    }

    @Test
    void decodeOnlyLeavesThePrefillInstanceUnset() throws Exception {
        open(Routing.LEAST_LOADED, Routing.LEAST_LOADED, EmulationMode.DECODE_ONLY);
        h.processElement(new StreamRecord<>(onSupernode1("a", 3, 10, 5), 3));
        h.processWatermark(3);
        assertThat(h.extractOutputValues()).singleElement().satisfies(j -> {
            assertThat(j.prefillInstance).isEqualTo(-1);
            assertThat(j.decodeInstance).isEqualTo(2);
        });
    }
}
