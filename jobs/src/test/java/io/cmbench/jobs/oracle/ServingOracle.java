package io.cmbench.jobs.oracle;

import io.cmbench.jobs.CostModelFactory;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.emulation.FleetRouting;
import io.cmbench.jobs.emulation.MtpDraw;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.ServingCostModel;
import io.cmbench.model.scenario.ScenarioPolicies;
import io.cmbench.schemas.Completion;
import io.cmbench.schemas.EngineStep;
import io.cmbench.schemas.Pool;
import io.cmbench.schemas.RequestEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.PriorityQueue;

/**
 * An independent, single-threaded discrete-event simulation of the serving emulation's definitions (docs: the
 * class comments of FleetRouting, ContextCacheFunction, ContextCache, InstanceRouter, PrefillInstanceFunction,
 * DecodeRouter, KvTransferFunction, DecodePoolFunction): one priority queue of events per scenario, plain Java
 * collections (each cache shard is an access-ordered {@link LinkedHashMap}), no Flink. It shares only the cost model,
 * the seeded MTP draw and the two stateless hashes (supernode, cache shard) with the job.
 *
 * <p>Events at one simulated time run in phase order: cache write-backs (by shard, requestId), prefill batch ends
 * (by instance), arrivals (by requestId: cache lookup, routing), prefill batch starts, decode step ends (by
 * instance), decode entries (by requestId), decode admissions (by instance).
 */
public final class ServingOracle {
    private static final int WRITE_BACK = 0, BATCH_END = 1, ARRIVAL = 2, PREFILL_START = 3, STEP_END = 4, ENTRY = 5, ADMIT = 6;
    private static final long ONE = 1L << 20;

    public record Result(List<Completion> completions, List<EngineStep> steps) {}

    private record Event(long time, int phase, String id, int instance, Req req) {}

    private static final Comparator<Event> ORDER = Comparator.comparingLong(Event::time).thenComparingInt(Event::phase)
            .thenComparingInt(Event::instance).thenComparing(Event::id);

    private static final class Req {
        RequestEvent r;
        int hit;
        int prefillInstance = -1, decodeInstance = -1, die = -1;
        long prefillStart = -1, prefillEnd = -1, kvEnd = -1, firstToken = -1, admit;
        long kv0, rate, admitStep, finishStep;
    }

    /** One shard of a supernode's context cache: LRU (access order) with its own capacity. */
    private static final class Shard {
        final LinkedHashMap<Long, Integer> blocks = new LinkedHashMap<>(16, 0.75f, true);
        long tokens;
    }

    /** A supernode's router: when the work it booked on each prefill instance ends; output tokens sent to each decode. */
    private static final class Router {
        final long[] busyUntil;
        final long[] decodeAssigned;
        int nextPrefill, nextDecode;

        Router(int prefill, int decode) {
            busyUntil = new long[prefill];
            decodeAssigned = new long[decode];
        }
    }

    private static final class Decode {
        final ArrayDeque<Req> queue = new ArrayDeque<>();
        final List<Req> running = new ArrayList<>();
        long steps;
        boolean busy, admitScheduled;
        long stepStart;
        int stepSeqs;
        long stepTokens, stepKv;
        int stepActiveDies, stepMinSeqs, stepMaxSeqs;
        long stepMaxKv;
    }

    private final List<ScenarioSpec> scenarios;
    private final List<ScenarioPolicies> policies;
    private final CostModelFactory factory;
    private final EmulationMode mode;
    private final long seed;

    public ServingOracle(List<ScenarioSpec> scenarios, List<ScenarioPolicies> policies, CostModelFactory factory,
                         EmulationMode mode, long seed) {
        this.scenarios = scenarios;
        this.policies = policies;
        this.factory = factory;
        this.mode = mode;
        this.seed = seed;
    }

    public Result run(List<RequestEvent> requests) {
        List<Completion> completions = new ArrayList<>();
        List<EngineStep> steps = new ArrayList<>();
        for (int s = 0; s < scenarios.size(); s++) {
            new ScenarioRun(s, completions, steps).run(requests);
        }
        return new Result(completions, steps);
    }

    private final class ScenarioRun {
        final String name;
        final ServingCostModel model;
        final PoolLayout layout;
        final ScenarioPolicies policy;
        final long capacity;
        final List<Completion> completions;
        final List<EngineStep> steps;
        final PriorityQueue<Event> events = new PriorityQueue<>(ORDER);
        // prefill
        final List<ArrayDeque<Req>> queues = new ArrayList<>();
        final List<List<Req>> batches = new ArrayList<>();
        final long[] batchStart;
        boolean startScheduled;
        final java.util.Map<Integer, Shard> shards = new java.util.HashMap<>();
        final long shardCapacity;
        final List<Router> routers = new ArrayList<>();
        // decode
        final List<Decode> decodes = new ArrayList<>();

        ScenarioRun(int s, List<Completion> completions, List<EngineStep> steps) {
            this.name = scenarios.get(s).name();
            this.model = factory.create(scenarios.get(s));
            this.layout = model.layout();
            this.policy = policies.get(s);
            this.capacity = policy.resolveContextCacheTokens(model);
            this.shardCapacity = capacity / ((long) layout.supernodes() * FleetRouting.CACHE_SHARDS);
            this.completions = completions;
            this.steps = steps;
            for (int i = 0; i < layout.prefillInstances(); i++) {
                queues.add(new ArrayDeque<>());
                batches.add(null);
            }
            batchStart = new long[layout.prefillInstances()];
            for (int i = 0; i < layout.decodeInstances(); i++) {
                decodes.add(new Decode());
            }
            for (int n = 0; n < layout.supernodes(); n++) {
                routers.add(new Router(layout.prefillInstancesPerSupernode(), layout.decodeInstancesPerSupernode()));
            }
        }

        void run(List<RequestEvent> requests) {
            for (RequestEvent r : requests) {
                if (!policy.admits(r.getRequestId())) {
                    continue; // outside the scenario's traffic share
                }
                if (mode != EmulationMode.PREFILL_ONLY
                        && (long) r.getPromptTokens() + r.getOutputTokens() > layout.kvCacheTokensPerDie()) {
                    continue; // dead-lettered by the job
                }
                Req q = new Req();
                q.r = r;
                events.add(new Event(r.getArrivalTimeMicros(), ARRIVAL, r.getRequestId(), 0, q));
            }
            while (!events.isEmpty()) {
                Event e = events.poll();
                switch (e.phase()) {
                    case WRITE_BACK -> writeBack(shards.get(e.instance()), e.req().r.getPrefixBlocks(), e.req().r.getPrefixBlockTokens());
                    case ARRIVAL -> arrival(e.time(), e.req());
                    case PREFILL_START -> startBatches(e.time());
                    case BATCH_END -> endBatch(e.time(), e.instance());
                    case ENTRY -> entry(e.time(), e.req());
                    case STEP_END -> endStep(e.time(), e.instance());
                    case ADMIT -> admit(e.time(), e.instance());
                    default -> throw new IllegalStateException();
                }
            }
        }

        // ---------------- prefill side ----------------

        void arrival(long t, Req q) {
            String id = q.r.getRequestId();
            int supernode = FleetRouting.supernodeOf(id, layout.supernodes());
            Router router = routers.get(supernode);
            if (mode == EmulationMode.DECODE_ONLY) {
                q.prefillStart = q.prefillEnd = q.kvEnd = t;
                q.decodeInstance = supernode * layout.decodeInstancesPerSupernode() + routeDecode(router, q);
                events.add(new Event(t, ENTRY, id, 0, q));
                return;
            }
            List<Long> blocks = q.r.getPrefixBlocks();
            long[] blockArray = blocks.isEmpty() ? null : blocks.stream().mapToLong(Long::longValue).toArray();
            int unit = supernode * FleetRouting.CACHE_SHARDS + FleetRouting.cacheShardOf(id, blockArray);
            Shard shard = shards.computeIfAbsent(unit, u -> new Shard());
            int h = 0;
            if (shardCapacity > 0) {
                while (h < blocks.size() && shard.blocks.containsKey(blocks.get(h))) {
                    h++;
                }
                for (int i = h - 1; i >= 0; i--) {
                    shard.blocks.get(blocks.get(i)); // refresh, the first block last (most recent)
                }
            }
            q.hit = (int) Math.min((long) h * q.r.getPrefixBlockTokens(), q.r.getPromptTokens() - 1L);
            long solo = Math.max(1L, model.prefillBatchMicros(new int[] {q.r.getPromptTokens()}, new int[] {q.hit}));
            if (shardCapacity > 0 && !blocks.isEmpty() && q.r.getPrefixBlockTokens() > 0) {
                events.add(new Event(t + solo, WRITE_BACK, id, unit, q)); // visible when its solo prefill would end
            }
            int local;
            if (policy.prefillRouting() == ScenarioPolicies.Routing.ROUND_ROBIN) {
                local = router.nextPrefill;
                router.nextPrefill = (local + 1) % router.busyUntil.length;
            } else {
                local = 0;
                for (int i = 1; i < router.busyUntil.length; i++) {
                    if (Math.max(router.busyUntil[i], t) < Math.max(router.busyUntil[local], t)) {
                        local = i;
                    }
                }
            }
            router.busyUntil[local] = Math.max(router.busyUntil[local], t) + solo;
            q.prefillInstance = supernode * layout.prefillInstancesPerSupernode() + local;
            if (mode != EmulationMode.PREFILL_ONLY) {
                q.decodeInstance = supernode * layout.decodeInstancesPerSupernode() + routeDecode(router, q);
            }
            queues.get(q.prefillInstance).add(q);
            schedulePrefillStart(t);
        }

        void schedulePrefillStart(long t) {
            if (!startScheduled) {
                startScheduled = true;
                events.add(new Event(t, PREFILL_START, "", 0, null));
            }
        }

        void startBatches(long t) {
            startScheduled = false;
            for (int i = 0; i < queues.size(); i++) {
                ArrayDeque<Req> qu = queues.get(i);
                if (batches.get(i) != null || qu.isEmpty()) {
                    continue;
                }
                List<Req> batch = new ArrayList<>();
                long used = 0;
                while (!qu.isEmpty() && (batch.isEmpty() || used + qu.peek().r.getPromptTokens() <= layout.prefillTokenBudgetPerInstance())) {
                    Req q = qu.poll();
                    q.prefillStart = t;
                    used += q.r.getPromptTokens();
                    batch.add(q);
                }
                int[] p = new int[batch.size()];
                int[] c = new int[batch.size()];
                for (int k = 0; k < batch.size(); k++) {
                    p[k] = batch.get(k).r.getPromptTokens();
                    c[k] = batch.get(k).hit;
                }
                batches.set(i, batch);
                batchStart[i] = t;
                events.add(new Event(t + Math.max(1L, model.prefillBatchMicros(p, c)), BATCH_END, "", i, null));
            }
        }

        void endBatch(long t, int i) {
            List<Req> batch = batches.get(i);
            batches.set(i, null);
            long tokens = 0;
            long cached = 0;
            for (Req q : batch) {
                q.prefillEnd = t;
                tokens += q.r.getPromptTokens();
                cached += q.hit;
                if (mode == EmulationMode.PREFILL_ONLY) {
                    completions.add(completion(q, 1, q.prefillEnd, q.prefillEnd, -1, 0));
                    continue;
                }
                long transfer = q.r.getOutputTokens() <= 1 ? 0 : Math.max(0L, model.kvTransferMicros(q.r.getPromptTokens() + 1));
                q.kvEnd = t + transfer;
                q.firstToken = q.kvEnd;
                events.add(new Event(q.kvEnd, ENTRY, q.r.getRequestId(), 0, q));
            }
            steps.add(EngineStep.newBuilder().setScenario(name).setPool(Pool.PREFILL).setInstance(i)
                    .setStartMicros(batchStart[i]).setDurationMicros(t - batchStart[i]).setSequences(batch.size())
                    .setTokens(tokens).setKvTokens(0).setNpus(layout.prefillNpusPerInstance())
                    .setCachedTokens(cached).build());
            schedulePrefillStart(t);
        }

        void writeBack(Shard shard, List<Long> blocks, int blockTokens) {
            for (int i = blocks.size() - 1; i >= 0; i--) {
                Long b = blocks.get(i);
                if (shard.blocks.containsKey(b)) {
                    shard.blocks.get(b);
                } else if (blockTokens <= shardCapacity) {
                    while (shard.tokens + blockTokens > shardCapacity) {
                        Iterator<java.util.Map.Entry<Long, Integer>> it = shard.blocks.entrySet().iterator();
                        shard.tokens -= it.next().getValue();
                        it.remove();
                    }
                    shard.blocks.put(b, blockTokens);
                    shard.tokens += blockTokens;
                }
            }
        }

        /** The supernode's decode instance (local index) for a request, at its arrival. */
        int routeDecode(Router router, Req q) {
            int n = router.decodeAssigned.length;
            int chosen = 0;
            if (n > 1 && policy.decodeRouting() == ScenarioPolicies.Routing.ROUND_ROBIN) {
                chosen = router.nextDecode;
                router.nextDecode = (chosen + 1) % n;
            } else if (n > 1) {
                for (int i = 1; i < n; i++) {
                    if (router.decodeAssigned[i] < router.decodeAssigned[chosen]) {
                        chosen = i;
                    }
                }
            }
            router.decodeAssigned[chosen] += q.r.getOutputTokens();
            return chosen;
        }

        // ---------------- decode side ----------------

        int decodeTokens(Req q) {
            return mode == EmulationMode.DECODE_ONLY ? q.r.getOutputTokens() : q.r.getOutputTokens() - 1;
        }

        void entry(long t, Req q) {
            if (decodeTokens(q) <= 0) {
                completions.add(completion(q, q.r.getOutputTokens(), q.firstToken, q.firstToken, -1, 0));
                return;
            }
            decodes.get(q.decodeInstance).queue.add(q);
            scheduleAdmit(t, q.decodeInstance);
        }

        void scheduleAdmit(long t, int i) {
            Decode d = decodes.get(i);
            if (!d.admitScheduled) {
                d.admitScheduled = true;
                events.add(new Event(t, ADMIT, "", i, null));
            }
        }

        void admit(long t, int i) {
            Decode d = decodes.get(i);
            d.admitScheduled = false;
            if (d.busy) {
                return;
            }
            int dies = layout.decodeDiesPerInstance();
            int[] seqs = new int[dies];
            long[] reserved = new long[dies];
            for (Req q : d.running) {
                seqs[q.die]++;
                reserved[q.die] += (long) q.r.getPromptTokens() + q.r.getOutputTokens();
            }
            long instanceCap = (long) layout.decodeBatchCapPerNpu() * layout.decodeNpusPerInstance();
            long perDieCap = (instanceCap + dies - 1) / dies;
            List<Req> admitted = new ArrayList<>();
            while (!d.queue.isEmpty() && d.running.size() < instanceCap) {
                Req q = d.queue.peek();
                long need = (long) q.r.getPromptTokens() + q.r.getOutputTokens();
                int best = -1;
                for (int k = 0; k < dies; k++) {
                    if (seqs[k] >= perDieCap || reserved[k] + need > layout.kvCacheTokensPerDie()) {
                        continue;
                    }
                    if (best < 0 || seqs[k] < seqs[best] || (seqs[k] == seqs[best] && reserved[k] < reserved[best])) {
                        best = k;
                    }
                }
                if (best < 0) {
                    break;
                }
                d.queue.poll();
                int tokens = decodeTokens(q);
                long n = MtpDraw.steps(seed, name, q.r.getRequestId(), tokens, model.mtpSpeculativeTokens(), model.mtpAcceptance());
                q.die = best;
                q.admit = t;
                q.admitStep = d.steps;
                q.finishStep = d.steps + n;
                q.kv0 = q.r.getPromptTokens() + (mode == EmulationMode.DECODE_ONLY ? 0 : 1);
                q.rate = (tokens * ONE + n / 2) / n;
                seqs[best]++;
                reserved[best] += need;
                d.running.add(q);
                admitted.add(q);
            }
            if (d.running.isEmpty()) {
                return;
            }
            long[] kvFixed = new long[dies];
            long rateSum = 0;
            for (Req q : d.running) {
                kvFixed[q.die] += q.kv0 * ONE + q.rate * (d.steps - q.admitStep);
                rateSum += q.rate;
            }
            long[] kv = new long[dies];
            long kvSum = 0;
            for (int k = 0; k < dies; k++) {
                kv[k] = seqs[k] == 0 ? 0 : round(kvFixed[k]);
                kvSum += kv[k];
            }
            long dur = Math.max(1L, model.decodeStepMicros(seqs, kv));
            d.busy = true;
            d.stepStart = t;
            d.stepSeqs = d.running.size();
            d.stepKv = kvSum;
            // per-die load, straight from the running sequences
            java.util.Set<Integer> activeDies = new java.util.HashSet<>();
            d.running.forEach(q -> activeDies.add(q.die));
            d.stepActiveDies = activeDies.size();
            d.stepMinSeqs = java.util.Arrays.stream(seqs).min().orElse(0);
            d.stepMaxSeqs = java.util.Arrays.stream(seqs).max().orElse(0);
            d.stepMaxKv = java.util.Arrays.stream(kv).max().orElse(0);
            d.stepTokens = round(rateSum);
            if (mode == EmulationMode.DECODE_ONLY) {
                for (Req q : admitted) {
                    q.firstToken = t + dur;
                }
            }
            events.add(new Event(t + dur, STEP_END, "", i, null));
        }

        void endStep(long t, int i) {
            Decode d = decodes.get(i);
            d.busy = false;
            d.steps++;
            steps.add(EngineStep.newBuilder().setScenario(name).setPool(Pool.DECODE).setInstance(i)
                    .setStartMicros(d.stepStart).setDurationMicros(t - d.stepStart).setSequences(d.stepSeqs)
                    .setTokens(d.stepTokens).setKvTokens(d.stepKv).setNpus(layout.decodeNpusPerInstance())
                    .setActiveDies(d.stepActiveDies).setMinSequencesPerDie(d.stepMinSeqs)
                    .setMaxSequencesPerDie(d.stepMaxSeqs).setMaxKvTokensPerDie(d.stepMaxKv).build());
            List<Req> done = new ArrayList<>();
            for (Req q : d.running) {
                if (q.finishStep == d.steps) {
                    done.add(q);
                }
            }
            d.running.removeAll(done);
            done.sort(Comparator.comparing(q -> q.r.getRequestId()));
            for (Req q : done) {
                long entry = mode == EmulationMode.DECODE_ONLY ? q.r.getArrivalTimeMicros() : q.kvEnd;
                completions.add(completion(q, q.r.getOutputTokens(), q.firstToken, t, q.die, Math.max(0, q.admit - entry)));
            }
            if (d.running.isEmpty()) {
                d.steps = 0;
            }
            scheduleAdmit(t, i);
        }

        long round(long fixed) {
            return fixed <= 0 ? 0 : (fixed + ONE / 2) >> 20;
        }

        Completion completion(Req q, int outputTokens, long first, long last, int die, long decodeQueue) {
            boolean prefillOnly = mode == EmulationMode.PREFILL_ONLY;
            return Completion.newBuilder().setScenario(name).setRequestId(q.r.getRequestId())
                    .setArrivalTimeMicros(q.r.getArrivalTimeMicros()).setPromptTokens(q.r.getPromptTokens())
                    .setOutputTokens(outputTokens).setCacheHitTokens(q.hit)
                    .setPrefillStartMicros(q.prefillStart).setPrefillEndMicros(q.prefillEnd)
                    .setKvTransferEndMicros(prefillOnly ? q.prefillEnd : q.kvEnd)
                    .setFirstTokenMicros(first).setLastTokenMicros(last)
                    .setPrefillInstance(q.prefillInstance).setDecodeInstance(prefillOnly ? -1 : q.decodeInstance)
                    .setDecodeDie(die).setPrefillQueueMicros(mode == EmulationMode.DECODE_ONLY ? 0 : q.prefillStart - q.r.getArrivalTimeMicros())
                    .setDecodeQueueMicros(decodeQueue)
                    .setPrefillNpus(layout.prefillNpus()).setDecodeNpus(layout.decodeNpus()).setSource("emulated")
                    .build();
        }
    }
}
