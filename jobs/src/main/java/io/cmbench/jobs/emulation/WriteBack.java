package io.cmbench.jobs.emulation;

/** A request's prefix blocks waiting to become visible in its cache shard (Flink POJO). */
public class WriteBack {
    public String requestId;
    public long[] blocks;
    public int blockTokens;

    public WriteBack() {}

    static WriteBack of(RequestJob j) {
        WriteBack w = new WriteBack();
        w.requestId = j.requestId;
        w.blocks = j.prefixBlocks;
        w.blockTokens = j.prefixBlockTokens;
        return w;
    }
}
