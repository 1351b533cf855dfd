package io.cmbench.jobs.emulation;

import static io.cmbench.jobs.emulation.PoolHarnesses.ONE_SCENARIO;
import static io.cmbench.jobs.emulation.PoolHarnesses.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.FakeCostModel;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.scenario.ScenarioPolicies;
import io.cmbench.model.scenario.ScenarioPolicies.Routing;
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
import org.junit.jupiter.api.Test;

class PrefillPoolFunctionTest {
    // one prefill instance, budget 1000 prompt tokens per batch; prefill batch = 5 µs + 1 µs per uncached token
    static final PoolLayout ONE_INSTANCE = new PoolLayout(1, 2, 1000, 1, 1, 1, 4, 100_000);
    static final ScenarioPolicies NO_CACHE = new ScenarioPolicies(Routing.LEAST_LOADED, Routing.LEAST_LOADED, 0);

    KeyedOneInputStreamOperatorTestHarness<Long, RequestJob, RequestJob> h;

    void open(PoolLayout layout, ScenarioPolicies policies, EmulationMode mode) throws Exception {
        FakeCostModel m = FakeCostModel.simple(layout);
        h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PrefillPoolFunction(ONE_SCENARIO, List.of(policies), m.factory(), mode)),
                RequestJob::scenarioKey, Types.LONG);
        h.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    Map<String, RequestJob> outputById() {
        return h.extractOutputValues().stream().collect(Collectors.toMap(j -> j.requestId, Function.identity()));
    }

    static RequestJob withBlocks(RequestJob j, int blockTokens, long... blocks) {
        j.prefixBlocks = blocks;
        j.prefixBlockTokens = blockTokens;
        return j;
    }

    void add(RequestJob j) throws Exception {
        h.processElement(new StreamRecord<>(j, j.arrivalMicros));
    }

    @Test
    void batchesFcfsUpToTheTokenBudgetInRequestIdOrderAndClearsState() throws Exception {
        open(ONE_INSTANCE, NO_CACHE, EmulationMode.FULL);
        // same arrival time, fed out of id order: the stage must order them by requestId
        add(job("c", 0, 200, 10));
        add(job("a", 0, 600, 10));
        add(job("b", 0, 300, 10));
        h.processWatermark(0);
        assertThat(h.extractOutputValues()).isEmpty(); // batch {a, b} runs 0 .. 905
        assertThat(h.numEventTimeTimers()).isEqualTo(1);

        add(job("d", 50, 100, 10));
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
        assertThat(out.values()).allSatisfy(j -> {
            assertThat(j.prefillInstance).isZero();
            assertThat(j.decodeInstance).isZero();
            assertThat(j.cacheHitTokens).isZero();
        });
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
        assertThat(steps).allSatisfy(st -> {
            assertThat(st.getCachedTokens()).as("no cache").isZero();
            assertThat(st.getActiveDies()).as("decode-only fields stay at their defaults").isZero();
            assertThat(st.getMaxSequencesPerDie()).isZero();
            assertThat(st.getMaxKvTokensPerDie()).isZero();
        });

        // no request state left (pending, queue, in-flight): only the scenario's O(instances) engine/router counters
        assertThat(h.numKeyedStateEntries()).as("state left after every request left").isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aPromptLongerThanTheBudgetRunsAlone() throws Exception {
        open(ONE_INSTANCE, NO_CACHE, EmulationMode.FULL);
        add(job("big", 10, 5000, 2));
        add(job("small", 10, 10, 2));
        h.processWatermark(100_000);
        Map<String, RequestJob> out = outputById();
        assertThat(out.get("big").prefillEndMicros).isEqualTo(10 + 5 + 5000);
        assertThat(out.get("small").prefillStartMicros).isEqualTo(5015);
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    void cacheHitsAreTheLongestCachedPrefixWrittenBackAtPrefillEnd() throws Exception {
        open(ONE_INSTANCE, new ScenarioPolicies(Routing.LEAST_LOADED, Routing.LEAST_LOADED, 1_000_000),
                EmulationMode.FULL);
        add(withBlocks(job("a", 0, 350, 5), 100, 1, 2, 3));    // miss; prefill 0 .. 355, then blocks 1,2,3 cached
        add(withBlocks(job("b", 100, 350, 5), 100, 1, 2, 3));  // before a's write-back: miss
        add(withBlocks(job("c", 355, 350, 5), 100, 1, 2, 3));  // at a's prefill end: write-back first -> 3 blocks
        add(withBlocks(job("d", 355, 350, 5), 100, 1, 9, 3));  // block 9 missing: only block 1 counts
        add(withBlocks(job("e", 355, 300, 5), 100, 1, 2, 3));  // whole prompt cached: one token is still computed
        h.processWatermark(100_000);
        Map<String, RequestJob> out = outputById();
        assertThat(out.get("a").cacheHitTokens).isZero();
        assertThat(out.get("a").prefillEndMicros).isEqualTo(355);
        assertThat(out.get("b").cacheHitTokens).isZero();
        assertThat(out.get("c").cacheHitTokens).isEqualTo(300);
        assertThat(out.get("d").cacheHitTokens).isEqualTo(100);
        assertThat(out.get("e").cacheHitTokens).isEqualTo(299);
        // batch {b, c} at 355 (budget 1000: d waits): 5 + 350 + 50 uncached tokens; then {d, e}: 5 + 250 + 1
        assertThat(out.get("b").prefillStartMicros).isEqualTo(355);
        assertThat(out.get("c").prefillEndMicros).isEqualTo(355 + 5 + 350 + 50);
        assertThat(out.get("d").prefillStartMicros).isEqualTo(760);
        assertThat(out.get("d").prefillEndMicros).isEqualTo(760 + 5 + 250 + 1);
        assertThat(out.get("e").prefillEndMicros).isEqualTo(1016);
        assertThat(out.values()).allSatisfy(j -> assertThat(j.prefixBlocks).as("blocks dropped after prefill").isNull());
        // batches {a}, {b, c}, {d, e}: their cached prompt tokens
        List<EngineStep> steps = h.getSideOutput(Stages.STEPS).stream().map(StreamRecord::getValue).toList();
        assertThat(steps).extracting(EngineStep::getStartMicros).containsExactly(0L, 355L, 760L);
        assertThat(steps).extracting(EngineStep::getCachedTokens).containsExactly(0L, 300L, 100L + 299L);
        // no request state left; the scenario's counters and the cache remain
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void lruEvictsTheLeastRecentlyUsedBlockWhenTheCapacityIsFull() throws Exception {
        // capacity 300 tokens = 3 blocks of 100; prefill of 5 + uncached tokens
        open(ONE_INSTANCE, new ScenarioPolicies(Routing.LEAST_LOADED, Routing.LEAST_LOADED, 300), EmulationMode.FULL);
        add(withBlocks(job("a", 0, 200, 2), 100, 1, 2));      // 0 .. 205: cache = [1, 2] (1 most recent)
        add(withBlocks(job("b", 1_000, 200, 2), 100, 3, 4));  // 1000 .. 1205: insert 4 -> [4,1,2]; 3 evicts 2 -> [3,4,1]
        add(withBlocks(job("c", 2_000, 200, 2), 100, 1, 2));  // block 1 hit, 2 evicted: 100
        add(withBlocks(job("d", 2_000, 200, 2), 100, 3, 4));  // both hit: 199 (one token computed)
        add(withBlocks(job("e", 9_000, 200, 2), 100, 2, 7));  // see below
        h.processWatermark(100_000);
        Map<String, RequestJob> out = outputById();
        assertThat(out.get("a").cacheHitTokens).isZero();
        assertThat(out.get("b").cacheHitTokens).isZero();
        assertThat(out.get("c").cacheHitTokens).isEqualTo(100);
        assertThat(out.get("d").cacheHitTokens).isEqualTo(199);
        // at 2000 the lookups refresh 1 (c), then 4 and 3 (d): [3,4,1]. Batch {c, d} ends at 2000+5+100+1 and
        // writes back c (2 evicts 1 -> [2,3,4]; 1 evicts 4 -> [1,2,3]), then d (4 evicts 3 -> [4,1,2];
        // 3 evicts 2 -> [3,4,1]). So e (2, 7) misses.
        assertThat(out.get("e").cacheHitTokens).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void leastLoadedRoutingPicksTheInstanceWithTheFewestOutstandingTokens() throws Exception {
        PoolLayout three = new PoolLayout(3, 1, 10_000, 2, 1, 1, 4, 100_000);
        open(three, NO_CACHE, EmulationMode.FULL);
        add(job("a", 0, 1000, 10));
        add(job("b", 0, 100, 30));
        add(job("c", 0, 300, 5));
        add(job("d", 0, 50, 10));   // outstanding 1000 / 100 / 300 -> instance 1
        add(job("e", 200, 50, 10)); // at 200: b and d finished on 1 (5+150 = 155): 1000 / 0 / 300 -> 1
        add(job("f", 400, 50, 10)); // at 400: c done on 2 (305): 1000 / 0 / 0 -> tie, lowest index 1
        h.processWatermark(100_000);
        Map<String, RequestJob> out = outputById();
        assertThat(out.get("a").prefillInstance).isEqualTo(0);
        assertThat(out.get("b").prefillInstance).isEqualTo(1);
        assertThat(out.get("c").prefillInstance).isEqualTo(2);
        assertThat(out.get("d").prefillInstance).isEqualTo(1);
        assertThat(out.get("e").prefillInstance).isEqualTo(1);
        assertThat(out.get("f").prefillInstance).isEqualTo(1);
        assertThat(out.get("d").prefillEndMicros).isEqualTo(155); // b and d batched together on instance 1
        // decode routing at prefill end, least assigned output tokens: b (30) -> 0, d (10) -> 1 (t=155);
        // c (5) -> 1 (t=305, 0: 30, 1: 10); e (10) -> 1 (t=255 before c: 1 has 10 < 30) ...
        List<RequestJob> emitted = h.extractOutputValues();
        assertThat(emitted).extracting(j -> j.requestId).containsExactly("b", "d", "e", "c", "f", "a");
        assertThat(emitted).extracting(j -> j.decodeInstance).containsExactly(0, 1, 1, 1, 1, 0);
    }

    @Test
    void roundRobinRoutingTakesInstancesInTurn() throws Exception {
        PoolLayout three = new PoolLayout(3, 1, 10_000, 2, 1, 1, 4, 100_000);
        open(three, new ScenarioPolicies(Routing.ROUND_ROBIN, Routing.ROUND_ROBIN, 0), EmulationMode.FULL);
        for (String id : List.of("a", "b", "c", "d", "e")) {
            add(job(id, 0, id.equals("a") ? 5000 : 10, 3));
        }
        h.processWatermark(100_000);
        Map<String, RequestJob> out = outputById();
        assertThat(List.of("a", "b", "c", "d", "e")).extracting(id -> out.get(id).prefillInstance)
                .containsExactly(0, 1, 2, 0, 1);
        // decode round-robin in emission order (prefill end, instance, FCFS): c (15), b, e (25), a, d (5015)
        assertThat(h.extractOutputValues()).extracting(j -> j.requestId).containsExactly("c", "b", "e", "a", "d");
        assertThat(h.extractOutputValues()).extracting(j -> j.decodeInstance).containsExactly(0, 1, 0, 1, 0);
    }

    @Test
    void theCacheStaysWithinItsCapacityOnALongStreamOfUniqueBlocks() throws Exception {
        // capacity 10 blocks of 100 tokens; 30 requests with 2 unique blocks each, then a replay of all of them:
        // only the last 5 requests' blocks can still be cached
        open(ONE_INSTANCE, new ScenarioPolicies(Routing.LEAST_LOADED, Routing.LEAST_LOADED, 1_000), EmulationMode.FULL);
        for (int i = 0; i < 30; i++) {
            add(withBlocks(job(String.format("u%02d", i), 1_000L * i, 250, 2), 100, 2L * i, 2L * i + 1));
        }
        for (int i = 0; i < 30; i++) {
            add(withBlocks(job(String.format("v%02d", i), 100_000L + 1_000L * (29 - i), 250, 2), 100, 2L * i, 2L * i + 1));
        }
        h.processWatermark(1_000_000);
        Map<String, RequestJob> out = outputById();
        // replayed newest first: v29..v25 hit (their blocks are the 10 most recent), and each hit refreshes ...
        for (int i = 25; i < 30; i++) {
            assertThat(out.get(String.format("v%02d", i)).cacheHitTokens).as("v%d", i).isEqualTo(200);
        }
        // ... while every miss writes back 2 blocks and evicts 2: older requests never come back into the cache
        for (int i = 0; i < 25; i++) {
            assertThat(out.get(String.format("v%02d", i)).cacheHitTokens).as("v%d", i).isZero();
        }
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        assertThat(h.numEventTimeTimers()).isZero();
    }
}
