package io.cmbench.jobs.emulation;

/**
 * Engine state of one decode instance (Flink POJO). Per-die aggregates make a step O(dies): the KV sum of die d
 * after {@code steps} completed steps is {@code (kvBase[d] + rate[d] * steps) / 2^20} rounded, where each running
 * request adds {@code kv0 * 2^20 - r * admitStep} to kvBase and its mean tokens per step {@code r} (in 2^-20 token
 * units, {@link #rateFixed}) to rate. Integer fixed point keeps the sums exact and independent of summation order.
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
    /** Per-die load of the running step (EngineStep activeDies, min/maxSequencesPerDie, maxKvTokensPerDie). */
    public int stepActiveDies;
    public int stepMinSeqsPerDie;
    public int stepMaxSeqsPerDie;
    public long stepMaxKvPerDie;
    /** Requests running (admitted, not finished). */
    public int active;
    /** FCFS waiting queue = MapState entries [queueHead, queueTail). */
    public long queueHead;
    public long queueTail;
    public int[] seqs;
    public long[] kvBase;
    public long[] rate;
    /** KV tokens reserved on each die (prompt + output of its requests): the memory cap. */
    public long[] reserved;

    public DecodeEngine() {}

    /** Fixed-point scale of KV and rate aggregates: 2^20 units per token. */
    public static final int SHIFT = 20;
    public static final long ONE = 1L << SHIFT;

    /** Mean tokens per step of a request emitting {@code tokens} over {@code steps} steps, in 2^-20 token units. */
    public static long rateFixed(long tokens, long steps) {
        return (tokens * ONE + steps / 2) / steps;
    }

    /** A fixed-point token count rounded to whole tokens (half up), 0 when negative. */
    public static long toTokens(long fixed) {
        return fixed <= 0 ? 0 : (fixed + ONE / 2) >> SHIFT;
    }

    static DecodeEngine create(int dies) {
        DecodeEngine e = new DecodeEngine();
        e.seqs = new int[dies];
        e.kvBase = new long[dies];
        e.rate = new long[dies];
        e.reserved = new long[dies];
        return e;
    }
}
