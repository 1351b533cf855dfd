package io.cmbench.jobs.emulation;

import io.cmbench.jobs.serde.StableHash;

/**
 * The stateless choices made before any keyed stage: which supernode of a fleet serves a request (the global router)
 * and which shard of that supernode's context cache holds its prefix.
 *
 * <p>The global router spreads requests uniformly by a hash of their id. It keeps no load view: the fleet's supernodes
 * are identical and Poisson traffic split uniformly stays Poisson on each, so a uniform split is what a balanced
 * front door does; it needs no state and scales with the parallelism. Routing by load within a supernode is the
 * supernode router's ({@link InstanceRouterFunction}).
 *
 * <p>Cache shards: each supernode's EMS cache is a DHT (the paper); here it is {@link #CACHE_SHARDS} shards, a
 * request's whole prefix chain in the shard of its first block, so the longest cached prefix is one shard's lookup
 * and requests sharing a prefix meet in one shard. A request without prefix blocks goes to a shard by its id.
 */
public final class FleetRouting {
    private FleetRouting() {}

    /** Context-cache shards per supernode (fixed, not the parallelism: results must not depend on the cluster). */
    public static final int CACHE_SHARDS = 16;

    public static int supernodeOf(String requestId, int supernodes) {
        return supernodes == 1 ? 0 : StableHash.bucket(StableHash.of("supernode", requestId), supernodes);
    }

    /** Shard of the supernode's cache, in [0, {@link #CACHE_SHARDS}). */
    public static int cacheShardOf(String requestId, long[] prefixBlocks) {
        long h = prefixBlocks == null || prefixBlocks.length == 0
                ? StableHash.of("cache-shard", requestId)
                : StableHash.mix(prefixBlocks[0] ^ 0x5bd1e9955bd1e995L);
        return StableHash.bucket(h, CACHE_SHARDS);
    }

    /** The cache stage's unit of a request: supernode × shards + shard. */
    public static int cacheUnit(int supernode, int shard) {
        return supernode * CACHE_SHARDS + shard;
    }
}
