package io.cmbench.jobs.emulation;

import io.cmbench.jobs.CostModelFactory;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.ServingCostModel;
import io.cmbench.schemas.Completion;
import io.cmbench.schemas.EngineStep;
import io.cmbench.schemas.Pool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * One decode instance of one scenario (key = {@link RequestJob#key(int, int)} of scenario and decode instance):
 * continuous batching.
 *
 * <p>Requests enter at kvTransferEnd (DECODE_ONLY: at arrival) on an event-time timer, in requestId order, into an
 * FCFS queue. At each step boundary the instance admits queued requests from the head while the instance's batch
 * cap ({@code decodeBatchCapPerNpu × NPUs}), the per-die share of it and the die's KV capacity allow, each to the
 * least-loaded die (fewest sequences, then least reserved KV, then lowest index; a heap of the dies,
 * {@link LeastLoadedDies}, finds it). At admission each request's
 * number of steps is drawn ({@link MtpDraw}) and it is stored under its finishing step. A step lasts
 * {@code decodeStepMicros(sequences per die, KV tokens per die)} and costs O(dies) thanks to per-die aggregates
 * ({@link DecodeEngine}). At the end of a step the requests finishing there are emitted as {@link Completion}
 * (lastToken = step end) and the step as an {@link EngineStep} on {@link Stages#STEPS}, with its per-die load
 * (active dies, min/max sequences per die, max KV per die) taken from the same O(dies) pass at the step's start. Within one timestamp:
 * finish the step, enqueue arrivals, admit, start the next step.
 *
 * <p>First token: FULL mode — the prefill's, delivered at the end of the KV transfer (firstToken = kvTransferEnd), decode produces outputTokens − 1 tokens, a
 * one-token request completes on entry; DECODE_ONLY — the end of the request's first decode step.
 */
public class DecodePoolFunction extends CpuTimedKeyedProcessFunction<Long, RequestJob, Completion> {
    private static final long serialVersionUID = 1L;
    static final TypeInformation<DecodeSeq> SEQ_TYPE = Types.POJO(DecodeSeq.class);

    private final List<ScenarioSpec> scenarios;
    private final CostModelFactory factory;
    private final EmulationMode mode;
    private final long seed;

    private transient List<ServingCostModel> models;
    private transient MapState<Long, List<RequestJob>> pending;
    private transient MapState<Long, RequestJob> queue;
    private transient MapState<Long, List<DecodeSeq>> finishing;
    private transient ValueState<DecodeEngine> engine;

    public DecodePoolFunction(List<ScenarioSpec> scenarios, CostModelFactory factory, EmulationMode mode, long seed) {
        this.scenarios = scenarios;
        this.factory = factory;
        this.mode = mode;
        this.seed = seed;
    }

    @Override
    protected void setUp(OpenContext ctx) {
        models = Stages.costModels(scenarios, factory);
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("decode-pending", Types.LONG, Stages.JOB_LIST_TYPE));
        queue = getRuntimeContext().getMapState(new MapStateDescriptor<>("decode-queue", Types.LONG, Stages.JOB_TYPE));
        finishing = getRuntimeContext().getMapState(new MapStateDescriptor<>("decode-finishing", Types.LONG, Types.LIST(SEQ_TYPE)));
        engine = getRuntimeContext().getState(new ValueStateDescriptor<>("decode-engine", Types.POJO(DecodeEngine.class)));
    }

    private long entryTime(RequestJob j) {
        return mode == EmulationMode.DECODE_ONLY ? j.arrivalMicros : j.kvTransferEndMicros;
    }

    /** Tokens the decode pool must produce for this request. */
    private int decodeTokens(RequestJob j) {
        return mode == EmulationMode.DECODE_ONLY ? j.outputTokens : j.outputTokens - 1;
    }

    @Override
    public void processElement(RequestJob job, Context ctx, Collector<Completion> out) throws Exception {
        long at = Math.max(entryTime(job), ctx.timerService().currentWatermark() + 1);
        List<RequestJob> list = pending.get(at);
        if (list == null) {
            list = new ArrayList<>();
        }
        list.add(job);
        pending.put(at, list);
        ctx.timerService().registerEventTimeTimer(at);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<Completion> out) throws Exception {
        long key = ctx.getCurrentKey();
        int s = RequestJob.scenarioOf(key);
        ServingCostModel model = models.get(s);
        PoolLayout layout = model.layout();
        String scenario = scenarios.get(s).name();
        int dies = layout.decodeDiesPerInstance();
        DecodeEngine eng = engine.value();
        if (eng == null) {
            eng = DecodeEngine.create(dies);
        }

        // 1. finish the running step
        if (eng.running && eng.stepEnd == t) {
            eng.steps++;
            eng.running = false;
            ctx.output(Stages.STEPS, EngineStep.newBuilder()
                    .setScenario(scenario).setPool(Pool.DECODE).setInstance(RequestJob.instanceOf(key))
                    .setStartMicros(eng.stepStart).setDurationMicros(t - eng.stepStart)
                    .setSequences(eng.stepSequences).setTokens(eng.stepTokens).setKvTokens(eng.stepKvTokens)
                    .setNpus(layout.decodeNpusPerInstance())
                    .setActiveDies(eng.stepActiveDies).setMinSequencesPerDie(eng.stepMinSeqsPerDie)
                    .setMaxSequencesPerDie(eng.stepMaxSeqsPerDie).setMaxKvTokensPerDie(eng.stepMaxKvPerDie).build());
            List<DecodeSeq> done = finishing.get(eng.steps);
            if (done != null) {
                done.sort(Comparator.comparing(d -> d.job.requestId));
                for (DecodeSeq d : done) {
                    int die = d.die;
                    eng.seqs[die]--;
                    eng.active--;
                    eng.reserved[die] -= d.reserve;
                    if (eng.seqs[die] == 0) {
                        eng.kvBase[die] = 0;
                        eng.rate[die] = 0;
                    } else {
                        eng.kvBase[die] -= d.kvOffset;
                        eng.rate[die] -= d.rate;
                    }
                    out.collect(completion(d.job, scenario, layout, t, die, d.admitMicros));
                }
                finishing.remove(eng.steps);
            }
        }

        // 2. arrivals at t join the queue in requestId order
        List<RequestJob> arrivals = pending.get(t);
        if (arrivals != null) {
            arrivals.sort(Stages.BY_ID);
            for (RequestJob j : arrivals) {
                if (decodeTokens(j) <= 0) {
                    // finished by the prefill: first = last token = prefill end
                    out.collect(completion(j, scenario, layout, j.firstTokenMicros, -1, t));
                } else {
                    queue.put(eng.queueTail++, j);
                }
            }
            pending.remove(t);
        }

        // 3. admit and start the next step
        if (!eng.running) {
            List<DecodeSeq> admitted = admit(eng, layout, model, scenario, t);
            if (eng.active > 0) {
                int[] seqs = eng.seqs.clone();
                long[] kv = new long[dies];
                long kvSum = 0;
                long tokens = 0;
                int activeDies = 0;
                int minSeqs = Integer.MAX_VALUE;
                int maxSeqs = 0;
                long maxKv = 0;
                for (int d = 0; d < dies; d++) {
                    kv[d] = seqs[d] == 0 ? 0 : DecodeEngine.toTokens(eng.kvBase[d] + eng.rate[d] * eng.steps);
                    kvSum += kv[d];
                    tokens += eng.rate[d];
                    if (seqs[d] > 0) {
                        activeDies++;
                    }
                    minSeqs = Math.min(minSeqs, seqs[d]);
                    maxSeqs = Math.max(maxSeqs, seqs[d]);
                    maxKv = Math.max(maxKv, kv[d]);
                }
                long dur = Math.max(1L, model.decodeStepMicros(seqs, kv));
                eng.running = true;
                eng.stepStart = t;
                eng.stepEnd = t + dur;
                eng.stepSequences = eng.active;
                eng.stepKvTokens = kvSum;
                eng.stepTokens = DecodeEngine.toTokens(tokens);
                eng.stepActiveDies = activeDies;
                eng.stepMinSeqsPerDie = minSeqs;
                eng.stepMaxSeqsPerDie = maxSeqs;
                eng.stepMaxKvPerDie = maxKv;
                ctx.timerService().registerEventTimeTimer(eng.stepEnd);
                if (mode == EmulationMode.DECODE_ONLY) {
                    for (DecodeSeq d : admitted) {
                        d.job.firstTokenMicros = eng.stepEnd;
                    }
                }
            }
            for (DecodeSeq d : admitted) {
                long finishStep = d.finishStep;
                List<DecodeSeq> at = finishing.get(finishStep);
                if (at == null) {
                    at = new ArrayList<>();
                }
                at.add(d);
                finishing.put(finishStep, at);
            }
        }

        if (!eng.running && eng.active == 0 && eng.queueHead == eng.queueTail) {
            engine.clear();
        } else {
            engine.update(eng);
        }
    }

    /** Admits queued requests FCFS while they fit; returns them (finish step not yet stored). */
    private List<DecodeSeq> admit(DecodeEngine eng, PoolLayout layout, ServingCostModel model, String scenario, long t)
            throws Exception {
        List<DecodeSeq> admitted = new ArrayList<>();
        int dies = eng.seqs.length;
        long instanceCap = (long) layout.decodeBatchCapPerNpu() * layout.decodeNpusPerInstance();
        long perDieCap = (instanceCap + dies - 1) / dies;
        LeastLoadedDies least = null; // built when the first request is admitted at this boundary
        while (eng.queueHead < eng.queueTail && eng.active < instanceCap) {
            RequestJob head = queue.get(eng.queueHead);
            long reserve = (long) head.promptTokens + head.outputTokens;
            if (least == null) {
                least = new LeastLoadedDies(eng.seqs, eng.reserved);
            }
            int best = chooseDie(eng, least, perDieCap, reserve, layout.kvCacheTokensPerDie());
            if (best < 0) {
                break; // strict FCFS: the head waits for room
            }
            queue.remove(eng.queueHead++);
            int tokens = decodeTokens(head);
            long steps = MtpDraw.steps(seed, scenario, head.requestId, tokens, model.mtpSpeculativeTokens(), model.mtpAcceptance());
            long kv0 = (long) head.promptTokens + (mode == EmulationMode.DECODE_ONLY ? 0 : 1);
            DecodeSeq d = new DecodeSeq();
            d.job = head;
            d.die = best;
            d.rate = DecodeEngine.rateFixed(tokens, steps);
            d.kvOffset = kv0 * DecodeEngine.ONE - d.rate * eng.steps;
            d.reserve = reserve;
            d.admitMicros = t;
            d.finishStep = eng.steps + steps;
            eng.seqs[best]++;
            eng.active++;
            eng.reserved[best] += reserve;
            eng.kvBase[best] += d.kvOffset;
            eng.rate[best] += d.rate;
            least.loadIncreased(best);
            admitted.add(d);
        }
        return admitted;
    }

    /**
     * The least-loaded die with room for {@code reserve} KV tokens and below the per-die cap (fewest sequences,
     * then least reserved KV, then lowest index), or -1. The least loaded die of all is the answer when it has room;
     * when it is at the per-die cap so are all others; only when its KV is short is every die looked at.
     */
    static int chooseDie(DecodeEngine eng, LeastLoadedDies least, long perDieCap, long reserve, long kvCapacity) {
        int top = least.least();
        if (eng.seqs[top] >= perDieCap) {
            return -1;
        }
        if (eng.reserved[top] + reserve <= kvCapacity) {
            return top;
        }
        int best = -1;
        for (int d = 0; d < eng.seqs.length; d++) {
            if (eng.seqs[d] >= perDieCap || eng.reserved[d] + reserve > kvCapacity) {
                continue;
            }
            if (best < 0 || eng.seqs[d] < eng.seqs[best]
                    || (eng.seqs[d] == eng.seqs[best] && eng.reserved[d] < eng.reserved[best])) {
                best = d;
            }
        }
        return best;
    }

    private Completion completion(RequestJob j, String scenario, PoolLayout layout, long lastToken, int die, long admitMicros) {
        long entry = entryTime(j);
        // the all-fields constructor, not the builder: every field is set here, and the builder's per-record
        // default-value copies showed in the decode pool's profile
        return new Completion(scenario, j.requestId, j.arrivalMicros, j.promptTokens, j.outputTokens, j.cacheHitTokens,
                j.prefillStartMicros, j.prefillEndMicros, j.kvTransferEndMicros, j.firstTokenMicros, lastToken,
                j.prefillInstance, j.decodeInstance, die, j.prefillQueueMicros, Math.max(0L, admitMicros - entry),
                layout.prefillNpus(), layout.decodeNpus(), "emulated");
    }
}
