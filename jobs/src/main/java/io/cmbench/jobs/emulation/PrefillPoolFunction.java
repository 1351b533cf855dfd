package io.cmbench.jobs.emulation;

import io.cmbench.jobs.CostModelFactory;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.ServingCostModel;
import io.cmbench.model.scenario.ScenarioPolicies;
import io.cmbench.schemas.EngineStep;
import io.cmbench.schemas.Pool;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The prefill side of one scenario (key = {@link RequestJob#scenarioKey()}): the EMS context cache, the router and
 * every prefill instance's batching engine, in one event-time loop.
 *
 * <p><b>Why one key per scenario, not per block and per instance.</b> A request's cache hits depend on the
 * write-backs of every earlier request whose prefill ended before it arrived, on any instance; those prefill ends
 * depend on the earlier requests' own hits (cached tokens shorten a batch) and on the routing; least-loaded routing
 * needs every instance's exact backlog. Hits, routing and batch timing of a scenario are therefore one causal loop.
 * A cache keyed by block (like the EMS DHT) upstream of per-instance prefill keys would need a feedback edge from the
 * prefill instances back to the block keys at each prefill end; Flink 2 has no iterations, and a loop through Kafka
 * is neither deterministic nor watermark-safe. So the cache is keyed by scenario with an exact global LRU, and the
 * instances' engines live with it. The cost is that one scenario's prefill side runs on one task slot; it is cheap
 * (O(blocks) per request, O(batch) per batch) next to decode, and scenarios, and decode instances, still spread over
 * the parallelism.
 *
 * <p>Event order at a simulated time t (all events of a scenario are handled in this order, so the result does
 * not depend on arrival order, parallelism or recovery):
 * <ol>
 *   <li>batches ending at t, by instance index: each request of the batch (FCFS order) gets prefillEnd = t (in
 *       FULL mode also its first token), writes its prefix blocks back to the cache, is routed to a decode instance
 *       ({@link DecodeRouter}), and is emitted; one {@link EngineStep} per batch on {@link Stages#STEPS} (its
 *       cachedTokens = the batch's cache-hit tokens);</li>
 *   <li>arrivals at t, in requestId order: cache lookup (hit = longest cached prefix of whole blocks, at most
 *       prompt − 1 tokens, see {@link ContextCache}), routing to a prefill instance — LEAST_LOADED: the fewest
 *       outstanding uncached prompt tokens (queued + running; ties: lowest index), ROUND_ROBIN: in turn — and FCFS
 *       queueing there;</li>
 *   <li>each idle instance with a queue, by index, starts a batch: requests from the head of its queue while their
 *       prompts fit the token budget (the first always goes), for {@code prefillBatchMicros(prompts, cached)} —
 *       which already includes reading the cached prefixes over UB, so no separate cache read is added.</li>
 * </ol>
 * A request's state (pending, queue, in-flight batch) is removed when it leaves; what remains per scenario is the
 * cache (bounded by its capacity) and O(instances) engine and router counters.
 */
public class PrefillPoolFunction extends KeyedProcessFunction<Long, RequestJob, RequestJob> {
    private static final long serialVersionUID = 1L;

    private final List<ScenarioSpec> scenarios;
    private final List<ScenarioPolicies> policies;
    private final CostModelFactory factory;
    private final EmulationMode mode;

    private transient List<ServingCostModel> models;
    private transient long[] cacheCapacity;
    private transient MapState<Long, List<RequestJob>> pending;
    private transient MapState<Long, RequestJob> queue;
    private transient MapState<Integer, List<RequestJob>> inflight;
    private transient MapState<Long, CacheEntry> cacheEntries;
    private transient ValueState<PrefillPoolState> state;
    private transient ContextCache cache;

    public PrefillPoolFunction(List<ScenarioSpec> scenarios, List<ScenarioPolicies> policies, CostModelFactory factory,
                               EmulationMode mode) {
        this.scenarios = scenarios;
        this.policies = policies;
        this.factory = factory;
        this.mode = mode;
    }

    static long queueKey(int instance, long seq) {
        return ((long) instance << 40) | seq;
    }

    @Override
    public void open(OpenContext ctx) {
        models = Stages.costModels(scenarios, factory);
        cacheCapacity = new long[scenarios.size()];
        for (int s = 0; s < scenarios.size(); s++) {
            cacheCapacity[s] = policies.get(s).resolveContextCacheTokens(models.get(s));
        }
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("prefill-pending", Types.LONG, Stages.JOB_LIST_TYPE));
        queue = getRuntimeContext().getMapState(new MapStateDescriptor<>("prefill-queue", Types.LONG, Stages.JOB_TYPE));
        inflight = getRuntimeContext().getMapState(new MapStateDescriptor<>("prefill-inflight", Types.INT, Stages.JOB_LIST_TYPE));
        cacheEntries = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("context-cache", Types.LONG, Types.POJO(CacheEntry.class)));
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("prefill-pool", Types.POJO(PrefillPoolState.class)));
        cache = new ContextCache(cacheEntries);
    }

    @Override
    public void processElement(RequestJob job, Context ctx, Collector<RequestJob> out) throws Exception {
        // A request cannot enter before the watermark (guaranteed upstream); clamp defensively.
        long at = Math.max(job.arrivalMicros, ctx.timerService().currentWatermark() + 1);
        List<RequestJob> list = pending.get(at);
        if (list == null) {
            list = new ArrayList<>();
        }
        list.add(job);
        pending.put(at, list);
        ctx.timerService().registerEventTimeTimer(at);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<RequestJob> out) throws Exception {
        int s = (int) (long) ctx.getCurrentKey();
        ServingCostModel model = models.get(s);
        PoolLayout layout = model.layout();
        ScenarioPolicies policy = policies.get(s);
        long capacity = cacheCapacity[s];
        int n = layout.prefillInstances();
        PrefillPoolState st = state.value();
        if (st == null) {
            st = PrefillPoolState.create(n, layout.decodeInstances());
        }

        // 1. batches ending at t
        for (int i = 0; i < n; i++) {
            if (!st.running[i] || st.batchEnd[i] != t) {
                continue;
            }
            int seqs = 0;
            long tokens = 0;
            long cachedTokens = 0;
            for (RequestJob j : inflight.get(i)) {
                j.prefillEndMicros = t;
                j.kvTransferEndMicros = -1;
                if (mode != EmulationMode.DECODE_ONLY) {
                    j.firstTokenMicros = t;
                }
                cache.writeBack(st, capacity, j.prefixBlocks, j.prefixBlockTokens);
                st.outstanding[i] -= j.promptTokens - j.cacheHitTokens;
                j.prefixBlocks = null;
                j.decodeInstance = mode == EmulationMode.PREFILL_ONLY ? -1 : st.decodeRouter.route(policy.decodeRouting(), j);
                seqs++;
                tokens += j.promptTokens;
                cachedTokens += j.cacheHitTokens;
                out.collect(j);
            }
            inflight.remove(i);
            ctx.output(Stages.STEPS, EngineStep.newBuilder()
                    .setScenario(scenarios.get(s).name()).setPool(Pool.PREFILL).setInstance(i)
                    .setStartMicros(st.batchStart[i]).setDurationMicros(t - st.batchStart[i]).setSequences(seqs)
                    .setTokens(tokens).setKvTokens(0).setNpus(layout.prefillNpusPerInstance())
                    .setCachedTokens(cachedTokens).build());
            st.running[i] = false;
        }

        // 2. arrivals at t, in requestId order: cache lookup, routing, FCFS queue of the chosen instance
        List<RequestJob> arrivals = pending.get(t);
        if (arrivals != null) {
            arrivals.sort(Stages.BY_ID);
            for (RequestJob j : arrivals) {
                int hitBlocks = cache.lookup(st, capacity, j.prefixBlocks);
                j.cacheHitTokens = (int) Math.min((long) hitBlocks * j.prefixBlockTokens, j.promptTokens - 1L);
                int i = route(st, policy.prefillRouting(), n);
                j.prefillInstance = i;
                st.outstanding[i] += j.promptTokens - j.cacheHitTokens;
                queue.put(queueKey(i, st.queueTail[i]++), j);
            }
            pending.remove(t);
        }

        // 3. idle instances start their next batch: FCFS up to the token budget
        long budget = layout.prefillTokenBudgetPerInstance();
        for (int i = 0; i < n; i++) {
            if (st.running[i] || st.queueHead[i] == st.queueTail[i]) {
                continue;
            }
            List<RequestJob> batch = new ArrayList<>();
            long used = 0;
            while (st.queueHead[i] < st.queueTail[i]) {
                long qk = queueKey(i, st.queueHead[i]);
                RequestJob head = queue.get(qk);
                if (!batch.isEmpty() && used + head.promptTokens > budget) {
                    break;
                }
                queue.remove(qk);
                st.queueHead[i]++;
                head.prefillStartMicros = t;
                head.prefillQueueMicros = t - head.arrivalMicros;
                batch.add(head);
                used += head.promptTokens;
            }
            int[] prompts = new int[batch.size()];
            int[] cached = new int[batch.size()];
            for (int k = 0; k < batch.size(); k++) {
                prompts[k] = batch.get(k).promptTokens;
                cached[k] = batch.get(k).cacheHitTokens;
            }
            long dur = Math.max(1L, model.prefillBatchMicros(prompts, cached));
            inflight.put(i, batch);
            st.running[i] = true;
            st.batchStart[i] = t;
            st.batchEnd[i] = t + dur;
            ctx.timerService().registerEventTimeTimer(st.batchEnd[i]);
        }
        state.update(st);
    }

    private static int route(PrefillPoolState st, ScenarioPolicies.Routing policy, int n) {
        if (policy == ScenarioPolicies.Routing.ROUND_ROBIN) {
            int i = st.nextInstance;
            st.nextInstance = (i + 1) % n;
            return i;
        }
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (st.outstanding[i] < st.outstanding[best]) {
                best = i;
            }
        }
        return best;
    }
}
