package io.cmbench.jobs.emulation;

/**
 * Engine state of one decode instance (Flink POJO). Per-die aggregates make a step O(dies): the KV sum of die d
 * after {@code steps} completed steps is {@code kvBase[d] + rate[d] * steps}, where each running request adds
 * {@code kv0 - r * admitStep} to kvBase and its mean tokens per step {@code r} to rate.
 */
public class DecodeEngine {
    /** Completed steps since the instance last became idle and empty. */
    public long steps;
    public boolean running;
    public long stepStart;
    public long stepEnd;
    public int stepSequences;
    public long stepKvTokens;
    public long stepTokens;
    /** Requests running (admitted, not finished). */
    public int active;
    /** FCFS waiting queue = MapState entries [queueHead, queueTail). */
    public long queueHead;
    public long queueTail;
    public int[] seqs;
    public double[] kvBase;
    public double[] rate;
    /** KV tokens reserved on each die (prompt + output of its requests): the memory cap. */
    public long[] reserved;

    public DecodeEngine() {}

    static DecodeEngine create(int dies) {
        DecodeEngine e = new DecodeEngine();
        e.seqs = new int[dies];
        e.kvBase = new double[dies];
        e.rate = new double[dies];
        e.reserved = new long[dies];
        return e;
    }
}
