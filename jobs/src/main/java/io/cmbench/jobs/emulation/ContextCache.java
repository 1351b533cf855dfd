package io.cmbench.jobs.emulation;

import org.apache.flink.api.common.state.MapState;

/**
 * One shard of a supernode's EMS context cache ({@link ContextCacheFunction}): content-addressed prefix blocks with
 * a capacity in KV tokens and LRU eviction. Blocks live in a {@link MapState} (block hash → {@link CacheEntry}) that doubles as a doubly linked LRU
 * list; the list ends and the totals live in {@link CacheShardState}. Every operation is O(blocks touched), and
 * works on any state backend (entries are written back after every change).
 *
 * <p>Semantics (the oracle test re-implements them):
 * <ul>
 *   <li>lookup (at the request's arrival): the hit is the longest run of leading blocks that are all cached — a
 *       block counts only if every block before it is a hit. The hit blocks are refreshed, the last one first, so
 *       that the first block of a prefix is the most recently used and deeper blocks are evicted before their
 *       prefixes;</li>
 *   <li>write-back (when the request's blocks become visible: {@link ContextCacheFunction}): all of its blocks, last first, are inserted (misses) or
 *       refreshed (hits, and blocks another request wrote meanwhile); inserting evicts least recently used blocks
 *       until the new block fits; a block larger than the whole capacity is not cached;</li>
 *   <li>capacity 0 disables the cache (no lookups, no writes).</li>
 * </ul>
 */
final class ContextCache {
    private final MapState<Long, CacheEntry> entries;

    ContextCache(MapState<Long, CacheEntry> entries) {
        this.entries = entries;
    }

    /** Number of leading blocks cached now; refreshes them. */
    int lookup(CacheShardState st, long capacity, long[] blocks) throws Exception {
        if (capacity <= 0 || blocks == null || blocks.length == 0 || st.cachedBlocks == 0) {
            return 0;
        }
        int hits = 0;
        while (hits < blocks.length && entries.contains(blocks[hits])) {
            hits++;
        }
        for (int i = hits - 1; i >= 0; i--) {
            touch(st, blocks[i], entries.get(blocks[i]));
        }
        return hits;
    }

    /** Writes a prefilled request's blocks back (last first). */
    void writeBack(CacheShardState st, long capacity, long[] blocks, int blockTokens) throws Exception {
        if (capacity <= 0 || blocks == null || blockTokens <= 0) {
            return;
        }
        for (int i = blocks.length - 1; i >= 0; i--) {
            CacheEntry e = entries.get(blocks[i]);
            if (e != null) {
                touch(st, blocks[i], e);
            } else if (blockTokens <= capacity) {
                while (st.cachedTokens + blockTokens > capacity) {
                    evictTail(st);
                }
                CacheEntry n = new CacheEntry();
                n.tokens = blockTokens;
                pushFront(st, blocks[i], n);
                st.cachedTokens += blockTokens;
                st.cachedBlocks++;
            }
        }
    }

    private void touch(CacheShardState st, long block, CacheEntry e) throws Exception {
        if (!e.hasPrev) {
            return; // already the most recently used
        }
        unlink(st, e);
        pushFront(st, block, e);
    }

    private void unlink(CacheShardState st, CacheEntry e) throws Exception {
        if (e.hasPrev) {
            CacheEntry p = entries.get(e.prev);
            p.next = e.next;
            p.hasNext = e.hasNext;
            entries.put(e.prev, p);
        } else {
            st.lruHead = e.next;
        }
        if (e.hasNext) {
            CacheEntry n = entries.get(e.next);
            n.prev = e.prev;
            n.hasPrev = e.hasPrev;
            entries.put(e.next, n);
        } else {
            st.lruTail = e.prev;
        }
    }

    private void pushFront(CacheShardState st, long block, CacheEntry e) throws Exception {
        e.hasPrev = false;
        e.prev = 0;
        if (st.cachedBlocks == 0) { // inserting into an empty list (a touched block always has a head before it)
            e.hasNext = false;
            e.next = 0;
            st.lruTail = block;
        } else {
            CacheEntry h = entries.get(st.lruHead);
            h.prev = block;
            h.hasPrev = true;
            entries.put(st.lruHead, h);
            e.next = st.lruHead;
            e.hasNext = true;
        }
        st.lruHead = block;
        entries.put(block, e);
    }

    private void evictTail(CacheShardState st) throws Exception {
        long block = st.lruTail;
        CacheEntry e = entries.get(block);
        entries.remove(block);
        st.cachedTokens -= e.tokens;
        st.cachedBlocks--;
        st.evictedBlocks++;
        if (e.hasPrev) {
            CacheEntry p = entries.get(e.prev);
            p.hasNext = false;
            p.next = 0;
            entries.put(e.prev, p);
            st.lruTail = e.prev;
        }
    }
}
