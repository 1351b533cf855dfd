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
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One prefill instance of one scenario (key = {@link RequestJob#key(int, int)} of scenario and prefill instance).
 *
 * <p>Arrivals are buffered by arrival time and handled on an event-time timer at that time, in requestId order,
 * into an FCFS queue. When the instance is idle, it takes requests from the head of the queue while their prompts
 * fit the token budget (the first always goes, even if longer than the budget), runs the batch for
 * {@code prefillBatchMicros}, and on the timer at the batch end emits every request of the batch with
 * prefillEnd = batch end (in FULL mode also the first token, which the prefill produces) and one {@link EngineStep}
 * on {@link Stages#STEPS}. Within one timestamp: finish the running batch, enqueue arrivals, start the next batch.
 * All state of a request is removed when it leaves; an idle, empty instance holds no state.
 */
public class PrefillPoolFunction extends KeyedProcessFunction<Long, RequestJob, RequestJob> {
    private static final long serialVersionUID = 1L;

    private final List<ScenarioSpec> scenarios;
    private final CostModelFactory factory;
    private final EmulationMode mode;

    private transient List<ServingCostModel> models;
    private transient MapState<Long, List<RequestJob>> pending;
    private transient MapState<Long, RequestJob> queue;
    private transient ListState<RequestJob> inflight;
    private transient ValueState<PrefillEngine> engine;

    public PrefillPoolFunction(List<ScenarioSpec> scenarios, CostModelFactory factory, EmulationMode mode) {
        this.scenarios = scenarios;
        this.factory = factory;
        this.mode = mode;
    }

    @Override
    public void open(OpenContext ctx) {
        models = Stages.costModels(scenarios, factory);
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("prefill-pending", Types.LONG, Stages.JOB_LIST_TYPE));
        queue = getRuntimeContext().getMapState(new MapStateDescriptor<>("prefill-queue", Types.LONG, Stages.JOB_TYPE));
        inflight = getRuntimeContext().getListState(new ListStateDescriptor<>("prefill-inflight", Stages.JOB_TYPE));
        engine = getRuntimeContext().getState(new ValueStateDescriptor<>("prefill-engine", Types.POJO(PrefillEngine.class)));
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
        long key = ctx.getCurrentKey();
        int s = RequestJob.scenarioOf(key);
        ServingCostModel model = models.get(s);
        PoolLayout layout = model.layout();
        PrefillEngine eng = engine.value();
        if (eng == null) {
            eng = new PrefillEngine();
        }

        // 1. finish the running batch
        if (eng.running && eng.batchEnd == t) {
            int seqs = 0;
            long tokens = 0;
            for (RequestJob j : inflight.get()) {
                j.prefillEndMicros = t;
                j.kvTransferEndMicros = -1;
                if (mode != EmulationMode.DECODE_ONLY) {
                    j.firstTokenMicros = t;
                }
                seqs++;
                tokens += j.promptTokens;
                out.collect(j);
            }
            inflight.clear();
            ctx.output(Stages.STEPS, EngineStep.newBuilder()
                    .setScenario(scenarios.get(s).name()).setPool(Pool.PREFILL).setInstance(RequestJob.instanceOf(key))
                    .setStartMicros(eng.batchStart).setDurationMicros(t - eng.batchStart).setSequences(seqs)
                    .setTokens(tokens).setKvTokens(0).setNpus(layout.prefillNpusPerInstance()).build());
            eng.running = false;
        }

        // 2. arrivals at t join the queue in requestId order
        List<RequestJob> arrivals = pending.get(t);
        if (arrivals != null) {
            arrivals.sort(Stages.BY_ID);
            for (RequestJob j : arrivals) {
                queue.put(eng.queueTail++, j);
            }
            pending.remove(t);
        }

        // 3. start the next batch: FCFS up to the token budget
        if (!eng.running && eng.queueHead < eng.queueTail) {
            long budget = layout.prefillTokenBudgetPerInstance();
            List<RequestJob> batch = new ArrayList<>();
            long used = 0;
            while (eng.queueHead < eng.queueTail) {
                RequestJob head = queue.get(eng.queueHead);
                if (!batch.isEmpty() && used + head.promptTokens > budget) {
                    break;
                }
                queue.remove(eng.queueHead++);
                head.prefillStartMicros = t;
                head.prefillQueueMicros = t - head.arrivalMicros;
                batch.add(head);
                used += head.promptTokens;
            }
            int[] prompts = new int[batch.size()];
            int[] cached = new int[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                prompts[i] = batch.get(i).promptTokens;
                cached[i] = batch.get(i).cacheHitTokens;
            }
            long dur = Math.max(1L, model.prefillBatchMicros(prompts, cached));
            inflight.update(batch);
            eng.running = true;
            eng.batchStart = t;
            eng.batchEnd = t + dur;
            ctx.timerService().registerEventTimeTimer(eng.batchEnd);
        }

        if (!eng.running && eng.queueHead == eng.queueTail) {
            engine.clear();
        } else {
            engine.update(eng);
        }
    }
}
