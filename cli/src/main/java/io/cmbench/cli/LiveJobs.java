package io.cmbench.cli;

import io.cmbench.jobs.AnalyticsJobConfig;
import io.cmbench.jobs.EmulationJobConfig;
import io.cmbench.jobs.JobSettings;
import io.cmbench.jobs.ServingEmulationJob;
import io.cmbench.jobs.SloAnalyticsJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.JobListener;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The two unbounded jobs of a live run, embedded (each on its own MiniCluster, in this JVM) or on a session cluster:
 * started, watched, and ended — the emulation drained (stop with a savepoint and the final watermark, so every request
 * in flight completes and exactly-once sinks commit), the live analytics cancelled (it only shows windows as they
 * close; the run's windows come from the bounded analytics afterwards).
 */
interface LiveJobs extends AutoCloseable {
    Duration START_TIMEOUT = Duration.ofMinutes(3);
    Duration STOP_TIMEOUT = Duration.ofMinutes(10);

    void startEmulation(EmulationJobConfig job) throws Exception;

    void startAnalytics(AnalyticsJobConfig job) throws Exception;

    /** Throws, naming the job and its cause, if either job has ended (a live job only ends when stopped). */
    void requireRunning();

    /** Drains and stops the emulation; returns once it has finished with all its output committed. */
    void drainEmulation(Path savepointDir) throws Exception;

    /** Cancels the live analytics and waits for it to end. */
    void cancelAnalytics() throws Exception;

    /** The emulation's job id on a session cluster (whose REST API reports its checkpoints), else empty. */
    Optional<String> emulationJobId();

    /**
     * The Prometheus endpoints of the jobs' own MiniClusters ({@code http://127.0.0.1:PORT/metrics}); empty on a
     * session cluster, whose processes have reporters of their own ({@code cmbench cluster status}).
     */
    default List<String> metricsEndpoints() {
        return List.of();
    }

    /** Ends whatever still runs (a failed run): quietly. */
    @Override
    void close();

    static LiveJobs of(RunConfig cfg) {
        return cfg.clusterRestAddress() == null ? new Embedded(cfg) : new OnCluster(cfg);
    }

    /** Each job on its own MiniCluster, run by a thread of its own; the JobClient comes from a job listener. */
    final class Embedded implements LiveJobs {
        private final RunConfig cfg;
        private final List<Integer> prometheusPorts = new ArrayList<>();
        private Running emulation;
        private Running analytics;

        Embedded(RunConfig cfg) {
            this.cfg = cfg;
        }

        /** One job: its thread, its client once submitted, how it ended. */
        private static final class Running {
            final String name;
            final CompletableFuture<JobClient> client = new CompletableFuture<>();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            volatile boolean ended;
            volatile boolean stopping;
            Thread thread;

            Running(String name) {
                this.name = name;
            }
        }

        /** What runs a job on an environment and blocks until it ends. */
        private interface Execution {
            JobExecutionResult run(StreamExecutionEnvironment env) throws Exception;
        }

        @Override
        public void startEmulation(EmulationJobConfig job) throws Exception {
            emulation = start("emulation", env -> ServingEmulationJob.runOnKafka(env, job));
        }

        @Override
        public void startAnalytics(AnalyticsJobConfig job) throws Exception {
            analytics = start("live analytics", env -> SloAnalyticsJob.runOnKafka(env, job));
        }

        private Running start(String name, Execution execution) throws Exception {
            Running r = new Running(name);
            int port = prometheusPort();
            prometheusPorts.add(port);
            StreamExecutionEnvironment env = FlinkLocal.environment(cfg.parallelism(), cfg.outDir().resolve("tmp"), port);
            JobSettings.checkpointing(env, cfg.checkpointIntervalMillis());
            JobSettings.stateBackend(env, cfg.infra().stateBackend());
            env.registerJobListener(new JobListener() {
                @Override
                public void onJobSubmitted(JobClient client, Throwable t) {
                    if (client != null) {
                        r.client.complete(client);
                    }
                }

                @Override
                public void onJobExecuted(JobExecutionResult result, Throwable t) {
                    // the thread sees how it ended
                }
            });
            r.thread = new Thread(() -> {
                try {
                    execution.run(env);
                } catch (Throwable t) {
                    if (!r.stopping) {
                        r.failure.set(t);
                    }
                    r.client.completeExceptionally(t);
                } finally {
                    r.ended = true;
                }
            }, "cmbench-live-" + name.replace(' ', '-'));
            r.thread.setDaemon(true);
            r.thread.start();
            JobClient client = r.client.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (client.getJobStatus().get(30, TimeUnit.SECONDS) != JobStatus.RUNNING) {
                requireRunning(r);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " job did not start within " + START_TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(100);
            }
            return r;
        }

        /**
         * A free port for a job's reporter: the first of the local cluster's range (9249–9259, where a Prometheus set up
         * for the cluster looks) that neither this run nor another process holds, else any free port.
         */
        private int prometheusPort() {
            var range = new org.apache.flink.util.PortRange(io.cmbench.cluster.ClusterSpec.DEFAULT_PROMETHEUS_PORTS)
                    .getPortsIterator();
            while (range.hasNext()) {
                int port = range.next();
                if (!prometheusPorts.contains(port) && io.cmbench.cluster.LocalCluster.isFree(port)) {
                    return port;
                }
            }
            return io.cmbench.cluster.kafka.EmbeddedKafkaBroker.freePort();
        }

        @Override
        public List<String> metricsEndpoints() {
            return prometheusPorts.stream().map(p -> "http://127.0.0.1:" + p + "/metrics").toList();
        }

        @Override
        public void requireRunning() {
            requireRunning(emulation);
            requireRunning(analytics);
        }

        private static void requireRunning(Running r) {
            if (r != null && r.ended && !r.stopping) {
                Throwable t = r.failure.get();
                throw new IllegalStateException(r.name + " job ended: "
                        + (t == null ? "no cause recorded" : CommandErrors.describe(t)), t);
            }
        }

        @Override
        public void drainEmulation(Path savepointDir) throws Exception {
            emulation.stopping = true;
            emulation.client.get().stopWithSavepoint(true, savepointDir.toAbsolutePath().toUri().toString(),
                    SavepointFormatType.CANONICAL).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            emulation.thread.join(STOP_TIMEOUT.toMillis());
        }

        @Override
        public void cancelAnalytics() throws Exception {
            analytics.stopping = true;
            analytics.client.get().cancel().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            analytics.thread.join(STOP_TIMEOUT.toMillis());
        }

        @Override
        public Optional<String> emulationJobId() {
            return Optional.empty();
        }

        @Override
        public void close() {
            for (Running r : new Running[] {analytics, emulation}) {
                if (r != null && !r.ended) {
                    r.stopping = true;
                    try {
                        r.client.getNow(null).cancel().get(60, TimeUnit.SECONDS);
                        r.thread.join(60_000);
                    } catch (Exception | Error e) {
                        // the MiniCluster goes with the JVM
                    }
                }
            }
        }
    }

    /** Both jobs submitted to the session cluster's REST API (the shaded job jar), unbounded. */
    final class OnCluster implements LiveJobs {
        private final ClusterJobs cluster;
        private String emulation;
        private String analytics;
        private boolean stopping;

        OnCluster(RunConfig cfg) {
            this.cluster = new ClusterJobs(cfg);
            // both jobs at once, each on its own slots: refused up front rather than waiting for slots that never free
            int free = cluster.rest().overview().slotsAvailable();
            if (free < 2 * cfg.parallelism()) {
                throw new RunRefusedException("--cluster: a live run needs 2 x --parallelism = " + 2 * cfg.parallelism()
                        + " free task slots (the emulation and the live analytics run at the same time), the cluster at "
                        + cfg.clusterRestAddress() + " has " + free + " (more: ./cmbench cluster start --taskmanagers 2;"
                        + " or a lower --parallelism), got '" + free + "'");
            }
        }

        @Override
        public void startEmulation(EmulationJobConfig job) {
            emulation = cluster.submitLiveEmulation(job.bootstrapServers(), job);
            cluster.rest().awaitAllTasksRunning(emulation, START_TIMEOUT);
        }

        @Override
        public void startAnalytics(AnalyticsJobConfig job) {
            analytics = cluster.submitLiveAnalytics(job.bootstrapServers(), job.topics(), job.outOfOrdernessMicros());
            cluster.rest().awaitAllTasksRunning(analytics, START_TIMEOUT);
        }

        @Override
        public void requireRunning() {
            requireRunning(emulation, "emulation");
            requireRunning(analytics, "live analytics");
        }

        private void requireRunning(String jobId, String what) {
            if (jobId == null || stopping) {
                return;
            }
            String state = cluster.rest().jobState(jobId);
            if (io.cmbench.cluster.rest.FlinkRestClient.TERMINAL_STATES.contains(state)) {
                String cause = cluster.rest().failure(jobId).map(io.cmbench.cluster.rest.JobFailure::rootCause)
                        .orElse("no exception recorded");
                throw new IllegalStateException(what + " job " + jobId + " ended " + state + ": " + cause);
            }
        }

        @Override
        public void drainEmulation(Path savepointDir) {
            stopping = true;
            cluster.stopWithDrain(emulation, savepointDir, "emulation");
        }

        @Override
        public void cancelAnalytics() {
            stopping = true;
            cluster.rest().cancel(analytics);
            cluster.rest().awaitTermination(analytics, STOP_TIMEOUT);
        }

        @Override
        public Optional<String> emulationJobId() {
            return Optional.ofNullable(emulation);
        }

        @Override
        public void close() {
            for (String id : new String[] {analytics, emulation}) {
                if (id == null) {
                    continue;
                }
                try {
                    if (!io.cmbench.cluster.rest.FlinkRestClient.TERMINAL_STATES.contains(cluster.rest().jobState(id))) {
                        cluster.rest().cancel(id);
                    }
                } catch (RuntimeException e) {
                    // the cluster may be gone already
                }
            }
        }
    }
}
