package io.cmbench.jobs.emulation;

/**
 * State of one scenario's prefill side (Flink POJO): each prefill instance's engine and FCFS queue bounds, the
 * router's view (outstanding uncached prompt tokens per instance), the decode router, and the ends and totals of
 * the context cache's LRU list. Arrays are indexed by prefill instance.
 */
public class PrefillPoolState {
    /** FCFS queue of instance i = MapState entries [queueHead[i], queueTail[i]) under {@link PrefillPoolFunction#queueKey}. */
    public long[] queueHead;
    public long[] queueTail;
    public boolean[] running;
    public long[] batchStart;
    public long[] batchEnd;
    /** Uncached prompt tokens queued or running on each instance: the least-loaded router's measure. */
    public long[] outstanding;
    /** Next instance of the round-robin router. */
    public int nextInstance;
    public DecodeRouter decodeRouter;

    /** Most recently used block (valid when cachedBlocks > 0). */
    public long lruHead;
    /** Least recently used block (valid when cachedBlocks > 0). */
    public long lruTail;
    public long cachedTokens;
    public long cachedBlocks;
    public long evictedBlocks;

    public PrefillPoolState() {}

    static PrefillPoolState create(int prefillInstances, int decodeInstances) {
        PrefillPoolState s = new PrefillPoolState();
        s.queueHead = new long[prefillInstances];
        s.queueTail = new long[prefillInstances];
        s.running = new boolean[prefillInstances];
        s.batchStart = new long[prefillInstances];
        s.batchEnd = new long[prefillInstances];
        s.outstanding = new long[prefillInstances];
        s.decodeRouter = DecodeRouter.create(Math.max(1, decodeInstances));
        return s;
    }

    boolean idle() {
        for (int i = 0; i < running.length; i++) {
            if (running[i] || queueHead[i] < queueTail[i]) {
                return false;
            }
        }
        return true;
    }
}
