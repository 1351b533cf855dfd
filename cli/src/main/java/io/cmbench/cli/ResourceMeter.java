package io.cmbench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and peak resident memory of this JVM plus its child processes (the Kafka broker), read from
 * Linux's /proc: a benchmark's numbers come with the cores and memory they cost (as nexmark reports them).
 */
final class ResourceMeter implements AutoCloseable {
    /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every mainstream Linux. */
    private static final double CLOCK_TICKS_PER_SECOND = 100.0;

    private final long startNanos = System.nanoTime();
    private final double startCpuSeconds;
    private volatile long peakRssBytes;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cmbench-resource-meter");
        t.setDaemon(true);
        return t;
    });

    ResourceMeter() {
        startCpuSeconds = cpuSeconds();
        sampler.scheduleAtFixedRate(this::sample, 0, 200, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        long rss = 0;
        for (long pid : pids()) {
            rss += rssBytes(pid);
        }
        peakRssBytes = Math.max(peakRssBytes, rss);
    }

    double wallSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** CPU seconds used since construction by this JVM and its living children. */
    double cpuSecondsUsed() {
        return cpuSeconds() - startCpuSeconds;
    }

    double peakRssMb() {
        sample();
        return peakRssBytes / (1024.0 * 1024.0);
    }

    private static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(ProcessHandle.current().pid());
        ProcessHandle.current().descendants().forEach(p -> pids.add(p.pid()));
        return pids;
    }

    /** CPU seconds used so far by this JVM and its living children. */
    static double cpuSeconds() {
        double total = 0;
        for (long pid : pids()) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // fields after the command name "(...)": state is field 3, utime 14, stime 15
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS_PER_SECOND;
            } catch (IOException | RuntimeException gone) {
                // the process ended between listing and reading
            }
        }
        return total;
    }

    /**
     * Seconds this JVM's JIT compiler threads have spent compiling so far (HotSpot sums its compiler threads' time),
     * or NaN where the JVM does not keep it: what a cold JVM spends before its code runs at full speed.
     */
    static double jitCompileSeconds() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() / 1000.0 : Double.NaN;
    }

    private static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024L;
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process ended
        }
        return 0;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
