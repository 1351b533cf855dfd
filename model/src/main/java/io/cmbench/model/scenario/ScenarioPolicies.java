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
 * @param trafficShare the fraction of the run's requests this scenario serves, in (0, 1]: a request is kept when
 *     {@link #admits(String) the uniform draw of its id} is below the share. Thinning Poisson arrivals keeps them
 *     Poisson at share × the rate (the thinning theorem), and the draw is nested (a request kept at share p is kept
 *     at every share above p), so scenarios at several shares probe several rates of one traffic in one run
 *     ({@code cmbench capacity}). 1 (default): every request.
 */
public record ScenarioPolicies(Routing prefillRouting, Routing decodeRouting, long contextCacheTokens,
                               double trafficShare) implements Serializable {

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
        if (!(trafficShare > 0 && trafficShare <= 1)) {
            throw new IllegalArgumentException("trafficShare must be in (0, 1], got " + trafficShare);
        }
    }

    /** Policies serving every request. */
    public ScenarioPolicies(Routing prefillRouting, Routing decodeRouting, long contextCacheTokens) {
        this(prefillRouting, decodeRouting, contextCacheTokens, 1.0);
    }

    /** The same policies serving {@code share} of the requests. */
    public ScenarioPolicies withTrafficShare(double share) {
        return new ScenarioPolicies(prefillRouting, decodeRouting, contextCacheTokens, share);
    }

    /** Whether this scenario serves the request with this id (always at share 1; deterministic in the id alone). */
    public boolean admits(String requestId) {
        return trafficShare >= 1 || uniformDraw(requestId) < trafficShare;
    }

    /**
     * A uniform draw in [0, 1) from a request id: FNV-1a over its UTF-16 chars, then the splitmix64 finalizer, whose
     * avalanche makes ids that differ in one digit (the generator's r-000123) land far apart.
     */
    static double uniformDraw(String requestId) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < requestId.length(); i++) {
            h = (h ^ requestId.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
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
