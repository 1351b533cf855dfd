package io.cmbench.jobs.emulation;

import io.cmbench.jobs.TaskCpuTime;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;

/**
 * A keyed stage of the emulation: records its subtask's CPU time for the benchmark's per-subtask work
 * ({@link TaskCpuTime}), counted from the end of {@link #setUp}, the stage's own preparation.
 */
public abstract class CpuTimedKeyedProcessFunction<K, I, O> extends KeyedProcessFunction<K, I, O> {
    private static final long serialVersionUID = 1L;
    private transient TaskCpuTime cpu;

    /** The stage's set-up (cost models, state handles): not counted as its work. */
    protected abstract void setUp(OpenContext ctx);

    @Override
    public final void open(OpenContext ctx) {
        setUp(ctx);
        cpu = TaskCpuTime.start();
    }

    @Override
    public void close() throws Exception {
        if (cpu != null) {
            cpu.record(getRuntimeContext());
        }
        super.close();
    }
}
