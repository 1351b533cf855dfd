package io.cmbench.jobs.emulation;

/** Engine state of one prefill instance (Flink POJO). */
public class PrefillEngine {
    /** FCFS queue = MapState entries [queueHead, queueTail). */
    public long queueHead;
    public long queueTail;
    public boolean running;
    public long batchStart;
    public long batchEnd;

    public PrefillEngine() {}
}
