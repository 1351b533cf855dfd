package io.cmbench.jobs.emulation;

import io.cmbench.jobs.CostModelFactory;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.ServingCostModel;
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
import org.apache.flink.util.Collector;

/**
 * One prefill instance of one scenario (key = (scenario, prefill instance)): FCFS batching up to the instance's
 * token budget. Requests come from the supernode's router ({@link InstanceRouterFunction}) at their arrival, their
 * cache hits already known ({@link ContextCacheFunction}).
 *
 * <p>Order at a simulated time t:
 * <ol>
 *   <li>the batch ending at t: each request of it (FCFS order) gets prefillEnd = t (in FULL mode also its first
 *       token) and is emitted; one {@link EngineStep} on {@link Stages#STEPS} (its cachedTokens = the batch's
 *       cache-hit tokens);</li>
 *   <li>arrivals at t join the queue in requestId order;</li>
 *   <li>if idle with a queue, the next batch starts: requests from the head while their prompts fit the token budget
 *       (the first always goes), for {@code prefillBatchMicros(prompts, cached)} — which includes reading the cached
 *       prefixes over UB, so no separate cache read is added.</li>
 * </ol>
 * A request's state is removed when it leaves; an idle instance keeps none.
 */
public class PrefillInstanceFunction extends CpuTimedKeyedProcessFunction<Long, RequestJob, RequestJob> {
    private static final long serialVersionUID = 1L;

    private final List<ScenarioSpec> scenarios;
    private final CostModelFactory factory;
    private final EmulationMode mode;

    private transient List<ServingCostModel> models;
    private transient MapState<Long, List<RequestJob>> pending;
    private transient MapState<Long, RequestJob> queue;
    private transient ValueState<List<RequestJob>> inflight;
    private transient ValueState<PrefillInstanceState> state;

    public PrefillInstanceFunction(List<ScenarioSpec> scenarios, CostModelFactory factory, EmulationMode mode) {
        this.scenarios = scenarios;
        this.factory = factory;
        this.mode = mode;
    }

    @Override
    protected void setUp(OpenContext ctx) {
        models = Stages.costModels(scenarios, factory);
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("prefill-pending", Types.LONG, Stages.JOB_LIST_TYPE));
        queue = getRuntimeContext().getMapState(new MapStateDescriptor<>("prefill-queue", Types.LONG, Stages.JOB_TYPE));
        inflight = getRuntimeContext().getState(new ValueStateDescriptor<>("prefill-inflight", Stages.JOB_LIST_TYPE));
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("prefill-instance", Types.POJO(PrefillInstanceState.class)));
    }

    @Override
    public void processElement(RequestJob job, Context ctx, Collector<RequestJob> out) throws Exception {
        Stages.bufferAtArrival(pending, job, ctx.timerService());
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<RequestJob> out) throws Exception {
        long key = ctx.getCurrentKey();
        int s = RequestJob.scenarioOf(key);
        int instance = RequestJob.instanceOf(key);
        ServingCostModel model = models.get(s);
        PoolLayout layout = model.layout();
        PrefillInstanceState st = state.value();
        if (st == null) {
            st = new PrefillInstanceState();
        }

        // 1. the batch ending at t
        if (st.running && st.batchEnd == t) {
            long tokens = 0;
            long cachedTokens = 0;
            List<RequestJob> batch = inflight.value();
            for (RequestJob j : batch) {
                j.prefillEndMicros = t;
                j.kvTransferEndMicros = -1;
                if (mode != EmulationMode.DECODE_ONLY) {
                    j.firstTokenMicros = t;
                }
                tokens += j.promptTokens;
                cachedTokens += j.cacheHitTokens;
                out.collect(j);
            }
            inflight.clear();
            ctx.output(Stages.STEPS, EngineStep.newBuilder()
                    .setScenario(scenarios.get(s).name()).setPool(Pool.PREFILL).setInstance(instance)
                    .setStartMicros(st.batchStart).setDurationMicros(t - st.batchStart).setSequences(batch.size())
                    .setTokens(tokens).setKvTokens(0).setNpus(layout.prefillNpusPerInstance())
                    .setCachedTokens(cachedTokens).build());
            st.running = false;
        }

        // 2. arrivals at t join the FCFS queue in requestId order
        List<RequestJob> arrivals = pending.get(t);
        if (arrivals != null) {
            arrivals.sort(Stages.BY_ID);
            for (RequestJob j : arrivals) {
                queue.put(st.queueTail++, j);
            }
            pending.remove(t);
        }

        // 3. if idle, the next batch: FCFS up to the token budget
        if (!st.running && st.queueHead < st.queueTail) {
            long budget = layout.prefillTokenBudgetPerInstance();
            List<RequestJob> batch = new ArrayList<>();
            long used = 0;
            while (st.queueHead < st.queueTail) {
                RequestJob head = queue.get(st.queueHead);
                if (!batch.isEmpty() && used + head.promptTokens > budget) {
                    break;
                }
                queue.remove(st.queueHead++);
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
            inflight.update(batch);
            st.running = true;
            st.batchStart = t;
            st.batchEnd = t + Math.max(1L, model.prefillBatchMicros(prompts, cached));
            ctx.timerService().registerEventTimeTimer(st.batchEnd);
        }
        if (st.idle()) {
            state.clear();
        } else {
            state.update(st);
        }
    }
}
