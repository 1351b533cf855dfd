package io.cmbench.jobs.emulation;

import static io.cmbench.jobs.emulation.PoolHarnesses.ONE_SCENARIO;
import static io.cmbench.jobs.emulation.PoolHarnesses.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.FakeCostModel;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.scenario.ScenarioPolicies;
import io.cmbench.model.scenario.ScenarioPolicies.Routing;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One cache shard: lookups at arrival, write-backs visible a solo prefill later, LRU within the shard's capacity. */
class ContextCacheFunctionTest {
    // prefill alone = 5 µs + 1 µs per uncached token (the visibility delay)
    static final PoolLayout LAYOUT = new PoolLayout(1, 2, 1000, 1, 1, 1, 4, 100_000);

    KeyedOneInputStreamOperatorTestHarness<Long, RequestJob, RequestJob> h;

    /** A cache whose every shard holds {@code shardTokens} (the scenario's capacity is split over the shards). */
    void open(long shardTokens) throws Exception {
        ScenarioPolicies p = new ScenarioPolicies(Routing.LEAST_LOADED, Routing.LEAST_LOADED, shardTokens * FleetRouting.CACHE_SHARDS);
        h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new ContextCacheFunction(
                ONE_SCENARIO, List.of(p), FakeCostModel.simple(LAYOUT).factory())),
                j -> RequestJob.key(j.scenario, FleetRouting.cacheUnit(j.supernode, j.cacheShard)), Types.LONG);
        h.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    static RequestJob withBlocks(RequestJob j, int blockTokens, long... blocks) {
        j.prefixBlocks = blocks;
        j.prefixBlockTokens = blockTokens;
        return j;
    }

    void add(RequestJob j) throws Exception {
        PoolHarnesses.add(h, j);
    }

    Map<String, RequestJob> outputById() {
        return PoolHarnesses.outputById(h);
    }

    @Test
    void hitsAreTheLongestVisiblePrefixAndBlocksBecomeVisibleASoloPrefillLater() throws Exception {
        open(1_000_000);
        add(withBlocks(job("a", 0, 350, 5), 100, 1, 2, 3));    // miss; alone 5 + 350: visible at 355
        add(withBlocks(job("b", 100, 350, 5), 100, 1, 2, 3));  // before 355: miss
        add(withBlocks(job("d", 355, 350, 5), 100, 1, 9, 3));  // block 9 missing: only block 1 counts
        add(withBlocks(job("c", 355, 350, 5), 100, 1, 2, 3));  // at 355 the write-back comes first: 3 blocks
        add(withBlocks(job("e", 355, 300, 5), 100, 1, 2, 3));  // whole prompt cached: one token is still computed
        h.processWatermark(100);
        assertThat(h.extractOutputValues()).extracting(j -> j.requestId).containsExactly("a", "b");
        h.processWatermark(100_000);
        Map<String, RequestJob> out = outputById();
        assertThat(h.extractOutputValues()).extracting(j -> j.requestId).containsExactly("a", "b", "c", "d", "e");
        assertThat(out.get("a").cacheHitTokens).isZero();
        assertThat(out.get("b").cacheHitTokens).isZero();
        assertThat(out.get("c").cacheHitTokens).isEqualTo(300);
        assertThat(out.get("d").cacheHitTokens).isEqualTo(100);
        assertThat(out.get("e").cacheHitTokens).isEqualTo(299);
        // the estimate the router books: alone in a batch, the cached prefix excluded
        assertThat(out).extractingByKeys("a", "c", "d", "e").extracting(j -> j.soloPrefillMicros)
                .containsExactly(355L, 55L, 255L, 6L);
        assertThat(out.values()).allSatisfy(j -> assertThat(j.prefixBlocks).as("blocks stay in the cache stage").isNull());
        // emitted at arrival
        assertThat(h.getOutput()).filteredOn(o -> o instanceof StreamRecord<?>).allSatisfy(o -> assertThat(
                ((StreamRecord<?>) o).getTimestamp()).isEqualTo(((RequestJob) ((StreamRecord<?>) o).getValue()).arrivalMicros));
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void lruEvictsTheLeastRecentlyUsedBlockWhenTheShardIsFull() throws Exception {
        open(300); // 3 blocks of 100
        add(withBlocks(job("a", 0, 200, 2), 100, 1, 2));      // visible at 205: [1, 2] (1 most recent)
        add(withBlocks(job("b", 1_000, 200, 2), 100, 3, 4));  // at 1205: insert 4 -> [4,1,2]; 3 evicts 2 -> [3,4,1]
        add(withBlocks(job("c", 2_000, 200, 2), 100, 1, 2));  // block 1 hit, 2 evicted: 100; visible at 2105
        add(withBlocks(job("d", 2_000, 200, 2), 100, 3, 4));  // both hit: 199 (one token computed); visible at 2006
        add(withBlocks(job("e", 9_000, 200, 2), 100, 2, 7));  // see below
        h.processWatermark(100_000);
        Map<String, RequestJob> out = outputById();
        assertThat(out.get("a").cacheHitTokens).isZero();
        assertThat(out.get("b").cacheHitTokens).isZero();
        assertThat(out.get("c").cacheHitTokens).isEqualTo(100);
        assertThat(out.get("d").cacheHitTokens).isEqualTo(199);
        // lookups at 2000 refresh 1 (c), then 4 and 3 (d): [3,4,1]; d's write-back at 2006 refreshes 4, 3: [3,4,1];
        // c's at 2105 inserts 2 (evicts 1: [2,3,4]) then 1 (evicts 4: [1,2,3]). So e finds block 2.
        assertThat(out.get("e").cacheHitTokens).isEqualTo(100);
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void theShardStaysWithinItsCapacityOnALongStreamOfUniqueBlocks() throws Exception {
        // 10 blocks of 100 tokens; 30 requests with 2 unique blocks each, then a replay of all of them, newest
        // first: only the last 5 requests' blocks can still be cached
        open(1_000);
        for (int i = 0; i < 30; i++) {
            add(withBlocks(job(String.format("u%02d", i), 1_000L * i, 250, 2), 100, 2L * i, 2L * i + 1));
        }
        for (int i = 0; i < 30; i++) {
            add(withBlocks(job(String.format("v%02d", i), 100_000L + 1_000L * (29 - i), 250, 2), 100, 2L * i, 2L * i + 1));
        }
        h.processWatermark(1_000_000);
        Map<String, RequestJob> out = outputById();
        for (int i = 25; i < 30; i++) {
            assertThat(out.get(String.format("v%02d", i)).cacheHitTokens).as("v%d", i).isEqualTo(200);
        }
        // every miss writes back 2 blocks and evicts 2: older requests never come back into the cache
        for (int i = 0; i < 25; i++) {
            assertThat(out.get(String.format("v%02d", i)).cacheHitTokens).as("v%d", i).isZero();
        }
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void capacityZeroDisablesTheCache() throws Exception {
        open(0);
        add(withBlocks(job("a", 0, 200, 2), 100, 1, 2));
        add(withBlocks(job("b", 1_000, 200, 2), 100, 1, 2));
        h.processWatermark(100_000);
        assertThat(outputById().values()).allSatisfy(j -> assertThat(j.cacheHitTokens).isZero());
        assertThat(h.numEventTimeTimers()).as("nothing to write back").isZero();
    }
}
