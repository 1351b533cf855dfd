package io.cmbench.cluster.rest;

import java.util.List;

/**
 * One job vertex (a chain of operators) and the work each of its subtasks did, from Flink's REST API
 * ({@code /jobs/:id/vertices/:vid}): records in and out over the network, busy, idle and back-pressured time, and the
 * CPU time of the subtask's thread where the job records it (the accumulator {@value #CPU_ACCUMULATOR}, set by cmbench's
 * keyed stages). Shows how evenly the keys spread the work over the subtasks.
 *
 * @param name the vertex's operators as Flink names the chain ({@code decode-pool -> (completions-sink: Writer ...)})
 */
public record VertexMetrics(String id, String name, int parallelism, List<Subtask> subtasks) {
    /** The user accumulator holding a subtask's thread CPU time in ms ({@code io.cmbench.jobs.TaskCpuTime}). */
    public static final String CPU_ACCUMULATOR = "task-cpu-ms";

    /**
     * What one subtask did; a finished task's totals. Records are counted at the chain's edges: a source chain's
     * records in are those its source read, a chain ending in sinks writes none over the network.
     *
     * @param cpuMillis the CPU time of the subtask's thread; -1 where the job does not record it
     * @param taskManager the id of the TaskManager that ran it (a local cluster's: its role, {@code taskmanager-N})
     */
    public record Subtask(int index, long recordsIn, long recordsOut, long busyMillis, long idleMillis,
                          long backPressuredMillis, long cpuMillis, String taskManager) {}

    /** Whether every subtask recorded its CPU time. */
    public boolean hasCpu() {
        return !subtasks.isEmpty() && subtasks.stream().allMatch(s -> s.cpuMillis() >= 0);
    }

    /** The subtask with the most CPU time over the mean's (1.0 = even); NaN where the job does not record it. */
    public double cpuMaxOverMean() {
        return hasCpu() ? maxOverMean(subtasks.stream().mapToLong(Subtask::cpuMillis).toArray()) : Double.NaN;
    }

    public long recordsIn() {
        return subtasks.stream().mapToLong(Subtask::recordsIn).sum();
    }

    public long recordsOut() {
        return subtasks.stream().mapToLong(Subtask::recordsOut).sum();
    }

    /** The busiest subtask's busy time over the mean's: 1.0 is perfect balance, {@code parallelism} all on one. */
    public double busyMaxOverMean() {
        return maxOverMean(subtasks.stream().mapToLong(Subtask::busyMillis).toArray());
    }

    /** The most loaded subtask's records in (or out, for a source chain) over the mean's. */
    public double recordsMaxOverMean() {
        long[] in = subtasks.stream().mapToLong(Subtask::recordsIn).toArray();
        return recordsIn() > 0 ? maxOverMean(in) : maxOverMean(subtasks.stream().mapToLong(Subtask::recordsOut).toArray());
    }

    /** max × n / sum: 1.0 = even, n = all on one. */
    public static double maxOverMean(long[] values) {
        long sum = 0;
        long max = 0;
        for (long v : values) {
            sum += v;
            max = Math.max(max, v);
        }
        return sum == 0 ? 1.0 : max * (double) values.length / sum;
    }
}
