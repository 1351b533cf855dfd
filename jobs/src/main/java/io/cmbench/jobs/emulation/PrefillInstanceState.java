package io.cmbench.jobs.emulation;

/** One prefill instance's engine (Flink POJO): its FCFS queue bounds and the batch it runs. */
public class PrefillInstanceState {
    /** FCFS queue = MapState entries [queueHead, queueTail). */
    public long queueHead;
    public long queueTail;
    public boolean running;
    public long batchStart;
    public long batchEnd;

    public PrefillInstanceState() {}

    boolean idle() {
        return !running && queueHead == queueTail;
    }
}
