package io.cmbench.cli;

import io.cmbench.cluster.LocalCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples a soak's cluster while its live run paces arrivals: every {@code intervalSeconds}, the heap after GC of the
 * JobManager and of each TaskManager ({@link HeapAfterGc}) and the size of the emulation job's latest completed
 * checkpoint (Flink REST). Sampling stops when the generator has stopped and the drain is over: what follows (stopping
 * the jobs) is not the steady state being judged.
 */
final class SoakSampler implements LiveRun.Observer, AutoCloseable {
    /** One sample; {@code minutes} since pacing started; null where nothing could be read yet. */
    record Sample(double minutes, Long heapAfterGcBytes, Long checkpointBytes) {}

    private final LocalCluster cluster;
    private final double intervalSeconds;
    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, HeapAfterGc> heaps = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private ScheduledExecutorService timer;
    private LiveJobs jobs;
    private long startMillis;
    private Long restarts;

    SoakSampler(LocalCluster cluster, double intervalSeconds) {
        this.cluster = cluster;
        this.intervalSeconds = intervalSeconds;
    }

    @Override
    public synchronized void pacing(LiveJobs liveJobs, long pacingStartMillis) {
        this.jobs = liveJobs;
        this.startMillis = pacingStartMillis;
        List<String> roles = new ArrayList<>(List.of(LocalCluster.JOB_MANAGER));
        roles.addAll(cluster.taskManagers());
        for (String role : roles) {
            cluster.process(role).ifPresent(p -> {
                try {
                    heaps.put(role, HeapAfterGc.attach(p.pid()));
                } catch (Exception e) {
                    problems.add("heap of " + role + " (pid " + p.pid() + ") not readable: " + CommandErrors.describe(e));
                }
            });
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cmbench-soak-sampler");
            t.setDaemon(true);
            return t;
        });
        long periodMillis = Math.round(intervalSeconds * 1000);
        timer.scheduleAtFixedRate(this::sample, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void drained() {
        stop();
        closeConnections();
        try {
            restarts = jobs.emulationJobId().map(id -> cluster.rest().restoredCheckpoints(id)).orElse(null);
        } catch (RuntimeException e) {
            problems.add("emulation restarts not readable: " + CommandErrors.describe(e));
        }
    }

    /** How often the emulation recovered from a checkpoint while arrivals were paced; null if unknown. */
    synchronized Long restarts() {
        return restarts;
    }

    private synchronized void closeConnections() {
        heaps.values().forEach(HeapAfterGc::close);
        heaps.clear();
    }

    private synchronized void sample() {
        double minutes = (System.currentTimeMillis() - startMillis) / 60_000.0;
        Long heap = null;
        long sum = 0;
        boolean all = !heaps.isEmpty();
        for (HeapAfterGc h : heaps.values()) {
            try {
                OptionalLong b = h.bytes();
                if (b.isPresent()) {
                    sum += b.getAsLong();
                } else {
                    all = false;
                }
            } catch (RuntimeException e) {
                all = false;
            }
        }
        if (all) {
            heap = sum;
        }
        Long checkpoint = null;
        try {
            checkpoint = jobs.emulationJobId().flatMap(id -> cluster.rest().latestCheckpointBytes(id)).orElse(null);
        } catch (RuntimeException e) {
            // a busy JobManager may not answer in time: this sample has no checkpoint size
        }
        samples.add(new Sample(minutes, heap, checkpoint));
    }

    private void stop() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = timer;
        }
        if (t != null) {
            t.shutdown();
            try {
                t.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** What could not be sampled, one line each. */
    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() {
        stop();
        closeConnections();
    }
}
