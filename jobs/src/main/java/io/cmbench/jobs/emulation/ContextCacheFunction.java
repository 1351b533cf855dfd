package io.cmbench.jobs.emulation;

import io.cmbench.jobs.CostModelFactory;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.ServingCostModel;
import io.cmbench.model.scenario.ScenarioPolicies;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * One shard of a supernode's EMS context cache (key = the shard, {@link FleetRouting#cacheUnit}): looks every
 * request up at its arrival and makes its blocks visible a declared delay later.
 *
 * <p><b>Declared-delay visibility</b> (why the cache can sit upstream of the prefill instances). In the serving system
 * a request's blocks enter the cache when its prefill ends, and that end depends on the queues and batches of the
 * instance it was routed to — downstream of the lookup. Feeding prefill ends back to the cache would need a feedback
 * edge (Flink 2 has no iterations; a loop through Kafka is neither deterministic nor watermark-safe), or the whole
 * cache and every instance in one key (what cmbench did before: one scenario's prefill side on one task slot). So
 * the cache uses the request's own estimate instead: its blocks become visible at arrival +
 * {@link RequestJob#soloPrefillMicros} — the time its prefill would take alone in a batch with the hit it got. The
 * estimate is the earliest the real prefill could end: a request sharing a prefix with one still queued may count
 * as a hit that the serving system would only give once the queue drains — optimistic under prefill queueing, exact
 * when the prefill side keeps up. Each shard holds capacity / (supernodes × shards) tokens (an LRU per shard, as a
 * DHT's nodes each evict their own).
 *
 * <p>Order at a simulated time t: write-backs due at t (by requestId), then arrivals at t (by requestId): lookup
 * ({@link ContextCache}), hit tokens = min(hit blocks × block tokens, prompt − 1), the solo prefill estimate, the
 * write-back booked at t + estimate. The request leaves at t without its blocks.
 */
public class ContextCacheFunction extends CpuTimedKeyedProcessFunction<Long, RequestJob, RequestJob> {
    private static final long serialVersionUID = 1L;
    private static final Comparator<WriteBack> WRITE_ORDER = Comparator.comparing(w -> w.requestId);
    /** Distinct (prompt, hit) pairs remembered per subtask; the solo prefill is a pure function of them. */
    private static final int SOLO_MEMO_LIMIT = 4096;

    private final List<ScenarioSpec> scenarios;
    private final List<ScenarioPolicies> policies;
    private final CostModelFactory factory;

    private transient List<ServingCostModel> models;
    private transient long[] shardCapacity;
    private transient List<Map<Long, Long>> soloMemo;
    private transient MapState<Long, List<RequestJob>> pending;
    private transient MapState<Long, List<WriteBack>> writeBacks;
    private transient ValueState<CacheShardState> state;
    private transient ContextCache cache;

    public ContextCacheFunction(List<ScenarioSpec> scenarios, List<ScenarioPolicies> policies, CostModelFactory factory) {
        this.scenarios = scenarios;
        this.policies = policies;
        this.factory = factory;
    }

    @Override
    protected void setUp(OpenContext ctx) {
        models = Stages.costModels(scenarios, factory);
        shardCapacity = new long[scenarios.size()];
        soloMemo = new ArrayList<>();
        for (int s = 0; s < scenarios.size(); s++) {
            long capacity = policies.get(s).resolveContextCacheTokens(models.get(s));
            shardCapacity[s] = capacity / ((long) models.get(s).layout().supernodes() * FleetRouting.CACHE_SHARDS);
            soloMemo.add(new HashMap<>());
        }
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("cache-pending", Types.LONG, Stages.JOB_LIST_TYPE));
        writeBacks = getRuntimeContext().getMapState(new MapStateDescriptor<>("cache-write-backs", Types.LONG,
                Types.LIST(Types.POJO(WriteBack.class))));
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("cache-shard", Types.POJO(CacheShardState.class)));
        cache = new ContextCache(getRuntimeContext().getMapState(
                new MapStateDescriptor<>("context-cache", Types.LONG, Types.POJO(CacheEntry.class))));
    }

    @Override
    public void processElement(RequestJob job, Context ctx, Collector<RequestJob> out) throws Exception {
        Stages.bufferAtArrival(pending, job, ctx.timerService());
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<RequestJob> out) throws Exception {
        int s = RequestJob.scenarioOf(ctx.getCurrentKey());
        long capacity = shardCapacity[s];
        CacheShardState st = state.value();
        if (st == null) {
            st = new CacheShardState();
        }
        List<WriteBack> due = writeBacks.get(t);
        if (due != null) {
            due.sort(WRITE_ORDER);
            for (WriteBack w : due) {
                cache.writeBack(st, capacity, w.blocks, w.blockTokens);
            }
            writeBacks.remove(t);
        }
        List<RequestJob> arrivals = pending.get(t);
        if (arrivals != null) {
            arrivals.sort(Stages.BY_ID);
            for (RequestJob j : arrivals) {
                int hitBlocks = cache.lookup(st, capacity, j.prefixBlocks);
                j.cacheHitTokens = (int) Math.min((long) hitBlocks * j.prefixBlockTokens, j.promptTokens - 1L);
                j.soloPrefillMicros = soloPrefillMicros(s, j.promptTokens, j.cacheHitTokens);
                if (capacity > 0 && j.prefixBlocks != null && j.prefixBlockTokens > 0) {
                    long visible = t + j.soloPrefillMicros;
                    List<WriteBack> at = writeBacks.get(visible);
                    if (at == null) {
                        at = new ArrayList<>();
                    }
                    at.add(WriteBack.of(j));
                    writeBacks.put(visible, at);
                    ctx.timerService().registerEventTimeTimer(visible);
                }
                j.prefixBlocks = null;
                out.collect(j);
            }
            pending.remove(t);
        }
        state.update(st);
    }

    private long soloPrefillMicros(int s, int promptTokens, int cachedTokens) {
        Map<Long, Long> memo = soloMemo.get(s);
        long key = ((long) promptTokens << 32) | cachedTokens;
        Long solo = memo.get(key);
        if (solo == null) {
            solo = Math.max(1L, models.get(s).prefillBatchMicros(new int[] {promptTokens}, new int[] {cachedTokens}));
            if (memo.size() >= SOLO_MEMO_LIMIT) {
                memo.clear();
            }
            memo.put(key, solo);
        }
        return solo;
    }
}
