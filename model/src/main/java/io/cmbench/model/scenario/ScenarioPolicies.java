package io.cmbench.model.scenario;

import io.cmbench.model.RooflineCostModel;
import io.cmbench.model.ServingCostModel;
import java.io.Serializable;

/**
 * The serving policies of a scenario, next to its hardware profile, model and deployment
 * ({@link io.cmbench.model.ScenarioSpec}).
 *
 * @param prefillRouting how a request is routed to a prefill instance
 * @param decodeRouting how a request is routed to a decode instance (only matters with several decode instances)
 * @param contextCacheTokens capacity of the EMS context cache in KV tokens (blocks are counted by their tokens);
 *     0 disables the cache; {@link #DEFAULT_CACHE} derives it from the EMS DRAM pool
 *     ({@link #defaultContextCacheTokens(ServingCostModel)})
 */
public record ScenarioPolicies(Routing prefillRouting, Routing decodeRouting, long contextCacheTokens)
        implements Serializable {

    /** Routing policy of a pool. */
    public enum Routing {
        /** The instance with the least outstanding work (ties: the lowest instance index). */
        LEAST_LOADED,
        /** Instances in turn, in (arrival, requestId) order. */
        ROUND_ROBIN
    }

    /** {@code contextCacheTokens} value meaning "derive from the EMS DRAM pool". */
    public static final long DEFAULT_CACHE = -1;

    /**
     * ASSUMPTION (not in the reference sheet, which gives no DRAM size): the EMS pool holds 64 GB of CPU DRAM per
     * NPU of the scenario's deployment (512 GB per 8-NPU node; a CloudMatrix384 node has 4 Kunpeng CPUs).
     */
    public static final double EMS_DRAM_BYTES_PER_NPU = 64e9;

    public ScenarioPolicies {
        if (prefillRouting == null) prefillRouting = Routing.LEAST_LOADED;
        if (decodeRouting == null) decodeRouting = Routing.LEAST_LOADED;
        if (contextCacheTokens < DEFAULT_CACHE) {
            throw new IllegalArgumentException("contextCacheTokens must be >= 0 (or -1 = default), got " + contextCacheTokens);
        }
    }

    /** Least-loaded routing on both pools, the context cache sized from the EMS DRAM pool. */
    public static ScenarioPolicies defaults() {
        return new ScenarioPolicies(Routing.LEAST_LOADED, Routing.LEAST_LOADED, DEFAULT_CACHE);
    }

    /** The cache capacity in tokens for a scenario whose cost model is {@code model}. */
    public long resolveContextCacheTokens(ServingCostModel model) {
        return contextCacheTokens == DEFAULT_CACHE ? defaultContextCacheTokens(model) : contextCacheTokens;
    }

    /**
     * Default EMS capacity: {@link #EMS_DRAM_BYTES_PER_NPU} × (prefill + decode NPUs) / KV bytes per token
     * (35,136 B for DeepSeek-R1 in INT8). The paper's 256-NPU deployment: 16.4 TB, 466 M tokens (3.6 M blocks of
     * 128 tokens). A cost model that is not the roofline model (tests) gets an unbounded cache.
     */
    public static long defaultContextCacheTokens(ServingCostModel model) {
        if (model instanceof RooflineCostModel r) {
            double npus = r.layout().prefillNpus() + r.layout().decodeNpus();
            return (long) Math.floor(EMS_DRAM_BYTES_PER_NPU * npus / r.kvBytesPerToken());
        }
        return Long.MAX_VALUE;
    }
}
