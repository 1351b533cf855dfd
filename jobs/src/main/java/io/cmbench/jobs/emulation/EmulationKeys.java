package io.cmbench.jobs.emulation;

import io.cmbench.jobs.CostModelFactory;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.ScenarioSpec;
import java.io.Serializable;
import java.util.List;
import java.util.function.ToIntFunction;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The keys of the emulation's keyed stages, each spread evenly over the subtasks ({@link StageKeys}): context-cache
 * shards (supernodes × {@link FleetRouting#CACHE_SHARDS} per scenario), supernode routers, prefill instances and
 * decode instances.
 */
public final class EmulationKeys implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StageKeys cache;
    private final StageKeys router;
    private final StageKeys prefill;
    private final StageKeys decode;

    private final boolean decodeChoiceNeeded;

    private EmulationKeys(StageKeys cache, StageKeys router, StageKeys prefill, StageKeys decode,
                          boolean decodeChoiceNeeded) {
        this.cache = cache;
        this.router = router;
        this.prefill = prefill;
        this.decode = decode;
        this.decodeChoiceNeeded = decodeChoiceNeeded;
    }

    public static EmulationKeys of(List<ScenarioSpec> scenarios, CostModelFactory factory, int maxParallelism) {
        List<PoolLayout> layouts = Stages.costModels(scenarios, factory).stream().map(m -> m.layout()).toList();
        return new EmulationKeys(
                spread(layouts, l -> l.supernodes() * FleetRouting.CACHE_SHARDS, maxParallelism),
                spread(layouts, PoolLayout::supernodes, maxParallelism),
                spread(layouts, PoolLayout::prefillInstances, maxParallelism),
                spread(layouts, PoolLayout::decodeInstances, maxParallelism),
                layouts.stream().anyMatch(l -> l.decodeInstancesPerSupernode() > 1));
    }

    /**
     * Whether some scenario's supernode has more than one decode instance, so that a router must choose; when none
     * has, the decode instance is the supernode's only one, known at fan-out ({@link FanOutToScenarios#onlyDecodeInstance}).
     */
    public boolean decodeChoiceNeeded() {
        return decodeChoiceNeeded;
    }

    private static StageKeys spread(List<PoolLayout> layouts, ToIntFunction<PoolLayout> units, int maxParallelism) {
        return StageKeys.spread(layouts.stream().mapToInt(units).toArray(), maxParallelism);
    }

    public KeySelector<RequestJob, Long> cacheShard() {
        StageKeys k = cache;
        return j -> k.of(j.scenario, FleetRouting.cacheUnit(j.supernode, j.cacheShard));
    }

    public KeySelector<RequestJob, Long> supernodeRouter() {
        StageKeys k = router;
        return j -> k.of(j.scenario, j.supernode);
    }

    public KeySelector<RequestJob, Long> prefillInstance() {
        StageKeys k = prefill;
        return j -> k.of(j.scenario, j.prefillInstance);
    }

    public KeySelector<RequestJob, Long> decodeInstance() {
        StageKeys k = decode;
        return j -> k.of(j.scenario, j.decodeInstance);
    }
}
