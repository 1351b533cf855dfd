package io.cmbench.jobs.emulation;

/** One block of the EMS context cache: a node of the LRU list (Flink POJO). */
public class CacheEntry {
    /** Neighbour towards the most recently used end; valid when hasPrev. */
    public long prev;
    public boolean hasPrev;
    /** Neighbour towards the least recently used end; valid when hasNext. */
    public long next;
    public boolean hasNext;
    /** KV tokens this block holds (its share of the capacity). */
    public int tokens;

    public CacheEntry() {}
}
