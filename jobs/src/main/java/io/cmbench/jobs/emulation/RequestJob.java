package io.cmbench.jobs.emulation;

/** A request travelling through one scenario's pools (Flink POJO). Times are simulated µs; -1 = not yet known. */
public class RequestJob {
    public int scenario;
    public String requestId;
    public long arrivalMicros;
    public int promptTokens;
    public int outputTokens;
    public int cacheHitTokens;
    /** Supernode of the fleet serving the request ({@link FleetRouting#supernodeOf}); 0 with one supernode. */
    public int supernode;
    /** Shard of the supernode's context cache holding the request's prefix ({@link FleetRouting#cacheShardOf}). */
    public int cacheShard;
    /**
     * The request's prefill time alone in a batch, its cached prefix excluded (the cost model's estimate, set by the
     * cache stage): when its blocks become visible in the cache, and the work the router books on its instance.
     */
    public long soloPrefillMicros;
    public int prefillInstance = -1;
    public int decodeInstance = -1;
    public long prefillStartMicros = -1;
    public long prefillEndMicros = -1;
    public long kvTransferEndMicros = -1;
    public long firstTokenMicros = -1;
    public long prefillQueueMicros;
    /** Content hashes of the prompt's prefix blocks (context cache); null once the prefill is done. */
    public long[] prefixBlocks;
    /** Tokens per prefix block. */
    public int prefixBlockTokens;

    public RequestJob() {}

    public RequestJob copy() {
        RequestJob j = new RequestJob();
        j.scenario = scenario;
        j.requestId = requestId;
        j.arrivalMicros = arrivalMicros;
        j.promptTokens = promptTokens;
        j.outputTokens = outputTokens;
        j.cacheHitTokens = cacheHitTokens;
        j.supernode = supernode;
        j.cacheShard = cacheShard;
        j.soloPrefillMicros = soloPrefillMicros;
        j.prefillInstance = prefillInstance;
        j.decodeInstance = decodeInstance;
        j.prefillStartMicros = prefillStartMicros;
        j.prefillEndMicros = prefillEndMicros;
        j.kvTransferEndMicros = kvTransferEndMicros;
        j.firstTokenMicros = firstTokenMicros;
        j.prefillQueueMicros = prefillQueueMicros;
        j.prefixBlocks = prefixBlocks == null ? null : prefixBlocks.clone();
        j.prefixBlockTokens = prefixBlockTokens;
        return j;
    }

    /** An (unbalanced) key of a scenario's unit; the job's stages use {@link StageKeys}, which decode the same. */
    public static long key(int scenario, int instance) {
        return StageKeys.key(scenario, instance);
    }

    public static int scenarioOf(long key) {
        return StageKeys.scenarioOf(key);
    }

    public static int instanceOf(long key) {
        return StageKeys.unitOf(key);
    }

    public long decodeKey() {
        return key(scenario, decodeInstance);
    }

    @Override
    public String toString() {
        return "RequestJob{s=" + scenario + ", id=" + requestId + ", arrival=" + arrivalMicros + ", prompt=" + promptTokens
                + ", out=" + outputTokens + ", hit=" + cacheHitTokens + ", sn=" + supernode + ", p=" + prefillInstance + ", d=" + decodeInstance + ", prefill=["
                + prefillStartMicros + "," + prefillEndMicros + "], kv=" + kvTransferEndMicros + "}";
    }
}
