package io.cmbench.jobs.emulation;

/** A request travelling through one scenario's pools (Flink POJO). Times are simulated µs; -1 = not yet known. */
public class RequestJob {
    public int scenario;
    public String requestId;
    public long arrivalMicros;
    public int promptTokens;
    public int outputTokens;
    public int cacheHitTokens;
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

    public static long key(int scenario, int instance) {
        return ((long) scenario << 32) | (instance & 0xffffffffL);
    }

    public static int scenarioOf(long key) {
        return (int) (key >>> 32);
    }

    public static int instanceOf(long key) {
        return (int) key;
    }

    /** Key of the scenario-wide stages (prefill pool with its context cache and router; decode router). */
    public long scenarioKey() {
        return scenario;
    }

    public long prefillKey() {
        return key(scenario, prefillInstance);
    }

    public long decodeKey() {
        return key(scenario, decodeInstance);
    }

    @Override
    public String toString() {
        return "RequestJob{s=" + scenario + ", id=" + requestId + ", arrival=" + arrivalMicros + ", prompt=" + promptTokens
                + ", out=" + outputTokens + ", hit=" + cacheHitTokens + ", p=" + prefillInstance + ", d=" + decodeInstance + ", prefill=["
                + prefillStartMicros + "," + prefillEndMicros + "], kv=" + kvTransferEndMicros + "}";
    }
}
