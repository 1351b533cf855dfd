package io.cmbench.jobs.emulation;

/** The ends and totals of one context-cache shard's LRU list (Flink POJO); the blocks live in a MapState. */
public class CacheShardState {
    /** Most recently used block (valid when cachedBlocks > 0). */
    public long lruHead;
    /** Least recently used block (valid when cachedBlocks > 0). */
    public long lruTail;
    public long cachedTokens;
    public long cachedBlocks;
    public long evictedBlocks;

    public CacheShardState() {}
}
