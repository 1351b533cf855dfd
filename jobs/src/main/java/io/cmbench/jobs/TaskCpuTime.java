package io.cmbench.jobs;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * The CPU time of a subtask's thread from the end of its operator's {@code open()} to its {@code close()}, kept in the
 * accumulator {@value #ACCUMULATOR} (ms): the work a subtask of a keyed stage did. Flink's busy time is wall-clock time
 * neither idle nor back-pressured, so it also counts waiting for a core and blocking in a chained sink: on a machine with
 * fewer cores than busy threads it ranks subtasks by luck. Not from the thread's start: deserializing the operator and
 * building its cost models and state handles are set-up, not the stage's work. Still in it: loading the classes the
 * records first need, which on a session cluster falls to whichever subtask of a TaskManager first runs a code path.
 * Not in it: the task's source fetcher and Kafka producer threads. One recording operator per chain (a second would
 * overwrite the first's value).
 */
public final class TaskCpuTime {
    /** Read by the launcher's benchmark ({@code VertexMetrics.CPU_ACCUMULATOR}). */
    public static final String ACCUMULATOR = "task-cpu-ms";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long openNanos;

    private TaskCpuTime(long openNanos) {
        this.openNanos = openNanos;
    }

    /** Call at the end of the operator's {@code open()}, on the task thread. */
    public static TaskCpuTime start() {
        return new TaskCpuTime(threadCpuNanos());
    }

    /** Call from the operator's {@code close()}, on the task thread. Records nothing where the JVM cannot tell. */
    public void record(RuntimeContext ctx) {
        long now = threadCpuNanos();
        if (openNanos < 0 || now < 0) {
            return;
        }
        Accumulator<Long, Long> existing = ctx.getAccumulator(ACCUMULATOR);
        LongCounter counter;
        if (existing instanceof LongCounter c) {
            counter = c;
        } else {
            counter = new LongCounter();
            ctx.addAccumulator(ACCUMULATOR, counter);
        }
        counter.resetLocal();
        counter.add((now - openNanos) / 1_000_000);
    }

    private static long threadCpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }
}
