package io.cmbench.jobs.emulation;

/** A request running on a decode die (Flink POJO), kept in state under the step at which it finishes. */
public class DecodeSeq {
    public RequestJob job;
    public int die;
    /** kv0 * 2^20 - rate * admitStep: this request's share of the die's kvBase (fixed point). */
    public long kvOffset;
    /** Mean decode tokens per step (tokens / steps), fixed point ({@link DecodeEngine#rateFixed}). */
    public long rate;
    /** KV tokens reserved: prompt + output. */
    public long reserve;
    public long admitMicros;
    /** Engine step (count of completed steps) at whose end the request emits its last token. */
    public long finishStep;

    public DecodeSeq() {}
}
