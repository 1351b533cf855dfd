package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.cluster.ClusterSpec;
import io.cmbench.cluster.LocalCluster;
import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import io.cmbench.cluster.kafka.TopicReader;
import io.cmbench.cluster.rest.FlinkRestClient;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.SloSpec;
import io.cmbench.loadgen.KafkaRequestPublisher;
import io.cmbench.loadgen.PublishMode;
import io.cmbench.loadgen.RequestStream;
import io.cmbench.loadgen.WorkloadSpec;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.schemas.RequestEvent;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed path with separate processes on 127.0.0.1: a Kafka broker JVM and a Flink standalone session
 * cluster (JobManager + TaskManager JVMs), the shaded job jar submitted over REST, exactly-once sinks with
 * checkpointing. Results must equal an undisturbed embedded run byte for byte — also after a TaskManager is
 * killed with SIGKILL or the broker is stopped mid-run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("integration")
class DistributedRunTest {

    private static final List<SloSpec> SLOS = List.of(SloSpec.parse("tpot15"), SloSpec.parse("tpot50"));
    private static final List<String> RESULT_FILES = List.of("completions.jsonl", "slo-windows.jsonl", "summary.json");

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ALWAYS)
    static Path tmp;

    private LocalCluster cluster;
    private Path undisturbed;

    /** The undisturbed run both fault tests compare against (embedded: MiniCluster and its own broker). */
    private Path undisturbedLargeRun() throws Exception {
        if (undisturbed == null) {
            undisturbed = new EmbeddedRun(large(tmp.resolve("undisturbed")), quiet()).run().outDir();
        }
        return undisturbed;
    }

    @BeforeAll
    void startCluster() throws Exception {
        // under target/ rather than a temporary directory: the processes' logs stay for a look after a failure
        Path dir = Path.of("target", "distributed-test", "cluster").toAbsolutePath();
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        cluster = LocalCluster.start(ClusterSpec.ephemeral(dir).withTaskManagers(1, 2));
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * A small full-pipeline run: 20 simulated s at 15 req/s of 1024-token prompts and 64 output tokens, on the physics
     * model: not the default, so a cluster job that lost the variant on its way (the default, calibrated, timings)
     * would not equal the embedded run.
     */
    private static RunConfig small(Path out) {
        return new RunConfig(7L, 20.0, 15.0, 1024, 64, null, 2, out, 5.0, SLOS, 1, 1, 0, null, new Properties(),
                List.of(ScenarioSpec.paperDefault().withCalibration("physics")), EmulationMode.FULL, true);
    }

    /**
     * Long enough on the cluster to be interrupted: the decode pool saturated for 80 simulated s (120,000 requests;
     * 40 s became too short once the jobs got faster: the emulation finished before its first checkpoint).
     */
    private static RunConfig large(Path out) {
        return new RunConfig(11L, 80.0, 1500.0, 4096, 256, null, 2, out, 5.0, SLOS, 1, 1, 0, null, new Properties(),
                List.of(ScenarioSpec.paperDefault()), EmulationMode.DECODE_ONLY, true);
    }

    private RunConfig onCluster(RunConfig c, String prefix) {
        return new RunConfig(c.seed(), c.durationSeconds(), c.requestsPerSec(), c.promptTokens(), c.outputTokens(),
                c.workload(), c.parallelism(), c.outDir(), c.windowSeconds(), c.slos(), c.warmupWindows(),
                c.drainWindows(), 0, cluster.bootstrapServers(), c.kafkaProperties(), c.scenarios(), c.mode(), true,
                cluster.restAddress(), null, 500L, prefix, null);
    }

    private static void assertSameResults(Path expected, Path actual) throws Exception {
        for (String f : RESULT_FILES) {
            assertThat(Files.readString(actual.resolve(f))).as(f).isEqualTo(Files.readString(expected.resolve(f)));
        }
    }

    @Test
    @Order(1)
    void clusterRunEqualsEmbeddedRun() throws Exception {
        EmbeddedRun.Result embedded = new EmbeddedRun(small(tmp.resolve("embedded")), quiet()).run();
        EmbeddedRun.Result onCluster = new EmbeddedRun(onCluster(small(tmp.resolve("cluster")), "equal"), quiet()).run();
        assertThat(onCluster.completions()).hasSize((int) embedded.requests()).isNotEmpty();
        assertSameResults(embedded.outDir(), onCluster.outDir());
    }

    /** The fleet scenario (8 supernodes of the paper's deployment) in FULL mode, light traffic. */
    private static RunConfig fleet(Path out, int parallelism) {
        return new RunConfig(5L, 20.0, 120.0, 1024, 64, null, parallelism, out, 5.0, SLOS, 1, 1, 0, null, new Properties(),
                io.cmbench.model.scenario.ScenarioFiles.builtin("fleet").stream().map(s -> s.withCalibration("physics")).toList(),
                EmulationMode.FULL, true);
    }

    @Test
    @Order(1)
    void aFleetOnTheClusterAtParallelism2EqualsTheEmbeddedRunAtParallelism1() throws Exception {
        EmbeddedRun.Result embedded = new EmbeddedRun(fleet(tmp.resolve("fleet-embedded"), 1), quiet()).run();
        EmbeddedRun.Result onCluster = new EmbeddedRun(onCluster(fleet(tmp.resolve("fleet-cluster"), 2), "fleet"), quiet()).run();
        assertThat(onCluster.completions()).hasSize((int) embedded.requests()).isNotEmpty();
        assertSameResults(embedded.outDir(), onCluster.outDir());
        // the work went to every supernode (6 prefill instances and 1 decode instance each); at this light load
        // each supernode's router sends most requests to its first idle instance, local index 0
        String completions = Files.readString(embedded.outDir().resolve("completions.jsonl"));
        for (int supernode = 0; supernode < 8; supernode++) {
            assertThat(completions).as("supernode %d", supernode)
                    .contains("\"prefillInstance\":" + 6 * supernode + ",")
                    .contains("\"decodeInstance\":" + supernode + ",");
        }
    }

    @Test
    @Order(2)
    void taskManagerKilledMidRunRecoversWithIdenticalResults() throws Exception {
        Interrupted run = interruptedLargeRun("tmkill", jobId -> {
            cluster.killTaskManager(cluster.taskManagers().get(0));
            cluster.startTaskManager();
        });
        assertSameResults(undisturbedLargeRun(), run.out());
        assertThat(cluster.rest().failure(run.jobId())).as("the job saw the TaskManager die and restarted").isPresent();
        assertThat(cluster.rest().restoredCheckpointId(run.jobId())).as("and restored its state from a checkpoint").isPresent();
    }

    @Test
    @Order(3)
    void brokerStoppedMidRunRecoversWithIdenticalResults() throws Exception {
        // The jobs ride through a short outage (producers retry for up to 5 minutes) or, if a task fails, restart
        // from a checkpoint. Either way the recovery must be visible: a restored checkpoint, or a checkpoint that could
        // not finish while the broker was away (it failed, or completed only after the broker was back) followed by
        // checkpoints completing again.
        java.util.concurrent.atomic.AtomicReference<List<FlinkRestClient.CheckpointInfo>> during = new java.util.concurrent.atomic.AtomicReference<>();
        long[] back = new long[1];
        Fault outage = jobId -> {
            cluster.stopKafka();
            sleep(5_000);
            cluster.startKafka();
            back[0] = System.currentTimeMillis();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline && cluster.rest().restoredCheckpointId(jobId).isEmpty()) {
                List<FlinkRestClient.CheckpointInfo> h = cluster.rest().checkpointHistory(jobId);
                if (h.stream().anyMatch(c -> c.status().equals("COMPLETED") && c.triggerMillis() > back[0])) {
                    during.set(h);
                    break;
                }
                sleep(200);
            }
        };
        Interrupted run = interruptedLargeRun("brokerstop", outage);
        assertSameResults(undisturbedLargeRun(), run.out());
        boolean restored = cluster.rest().restoredCheckpointId(run.jobId()).isPresent();
        if (!restored) {
            assertThat(during.get()).as("checkpoints completed again after the broker came back").isNotNull();
            long outageStart = back[0] - 5_000;
            assertThat(during.get()).as("a checkpoint was held up by the outage: %s", during.get()).anySatisfy(c -> {
                assertThat(c.triggerMillis()).isLessThan(back[0]);
                assertThat(c.status().equals("FAILED")
                        || (c.status().equals("COMPLETED") && c.latestAckMillis() >= back[0] && c.triggerMillis() <= back[0]
                            && c.latestAckMillis() >= outageStart)).isTrue();
            });
        }
        System.out.println("RECOVERY brokerstop: " + (restored ? "restart from a checkpoint" : "rode through; checkpoints " + during.get()));
    }

    record Interrupted(String jobId, Path out) {}

    /** A large run on the cluster with the fault injected mid-run; a run that fails before the fault fails the test. */
    private Interrupted interruptedLargeRun(String prefix, Fault fault) throws Exception {
        Path out = tmp.resolve(prefix);
        return new Interrupted(interrupted(onCluster(large(out), prefix), fault), out);
    }

    @Test
    @Order(4)
    void generatorRidesThroughABrokerRestartWithoutLossOrDuplicates() throws Exception {
        String topic = "genrestart.requests";
        io.cmbench.cluster.kafka.KafkaTopicAdmin.createTopics(cluster.bootstrapServers(), new Properties(), List.of(topic), 2);
        WorkloadSpec spec = WorkloadSpec.poisson(400, 8_000_000L, 128, 16);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (KafkaRequestPublisher publisher = new KafkaRequestPublisher(cluster.bootstrapServers(), topic, new Properties());
             RequestStream stream = new RequestStream(spec, 3L)) {
            Future<?> publishing = pool.submit(() -> publisher.publish(stream, PublishMode.LIVE, 1.0, (n, t) -> { }));
            sleep(2_000);
            cluster.stopKafka();
            sleep(4_000);
            cluster.startKafka();
            publishing.get(3, TimeUnit.MINUTES);
            List<RequestEvent> read = TopicReader.readAll(cluster.bootstrapServers(), new Properties(), topic,
                    b -> decode(b));
            Set<String> ids = new HashSet<>();
            long requests = read.stream().filter(e -> !RequestStream.isHeartbeat(e)).peek(e -> ids.add(e.getRequestId())).count();
            assertThat(requests).as("every request exactly once").isEqualTo(stream.requestsEmitted()).isEqualTo(ids.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Order(5)
    void unreachableKafkaFailsFastNamingTheAddress() {
        int closed = EmbeddedKafkaBroker.freePort();
        long t0 = System.nanoTime();
        RunConfig c = onCluster(small(tmp.resolve("unreachable")), "unreachable");
        RunConfig unreachable = new RunConfig(c.seed(), c.durationSeconds(), c.requestsPerSec(), c.promptTokens(),
                c.outputTokens(), null, 1, c.outDir(), c.windowSeconds(), c.slos(), 1, 1, 0, "127.0.0.1:" + closed,
                new Properties(), c.scenarios(), c.mode(), true, cluster.restAddress(), null, 500L, "unreachable", null);
        assertThatThrownBy(() -> new EmbeddedRun(unreachable, quiet()).run())
                .hasMessageContaining("127.0.0.1:" + closed).hasMessageContaining("unreachable");
        // and the job itself, submitted straight to the cluster
        assertThatThrownBy(() -> cluster.rest().submit(CmbenchJar.path(), ClusterJobs.EMULATION,
                List.of("--bootstrap", "127.0.0.1:" + closed, "--bounded"), 1))
                .hasMessageContaining("Kafka at 127.0.0.1:" + closed + " is unreachable");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(90));
    }

    /**
     * A session cluster runs job after job: once a job is over, the JobManager must let go of its class loader
     * (an Avro loaded with each job pinned it through a ThreadLocal of the JobManager's pool threads, and metaspace
     * ran out at about the 14th job). Two more runs (four jobs) on top of what the tests before left behind.
     */
    @Test
    @Order(6)
    void theJobManagerKeepsNoClassLoaderOfAFinishedJob() throws Exception {
        for (int i = 0; i < 2; i++) {
            new EmbeddedRun(onCluster(small(tmp.resolve("loaders-" + i)), "loaders-" + i), quiet()).run();
        }
        long finished = cluster.rest().listJobs().stream().filter(j -> j.state().equals("FINISHED")).count();
        assertThat(finished).as("jobs the JobManager ran to the end").isGreaterThanOrEqualTo(4);
        ProcessHandle jobManager = cluster.process(LocalCluster.JOB_MANAGER).orElseThrow();
        // a job's loader is released once its JobMaster has shut down, a moment after the job reports FINISHED
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int live = UserCodeClassLoaders.liveAfterFullGc(jobManager);
        while (live > 0 && System.nanoTime() < deadline) {
            sleep(1000);
            live = UserCodeClassLoaders.liveAfterFullGc(jobManager);
        }
        assertThat(live).as("user-code class loaders alive in the JobManager after a full GC, " + finished
                + " jobs finished").isZero();
    }

    interface Fault {
        void inject(String jobId) throws Exception;
    }

    /**
     * Runs the pipeline on the cluster in the background; once the emulation job is RUNNING and has completed a
     * checkpoint, injects the fault; waits for the run to finish. Returns the interrupted job's id.
     */
    private String interrupted(RunConfig cfg, Fault fault) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        java.util.concurrent.ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor();
        java.util.concurrent.atomic.AtomicBoolean injecting = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            // As a process supervisor (systemd, Kubernetes) would: a TaskManager that Flink shuts down on a fatal
            // error (its Kafka writer failing while a task is cleaned up during the broker outage) is replaced.
            supervisor.scheduleWithFixedDelay(() -> {
                if (!injecting.get() && cluster.taskManagers().isEmpty()) {
                    System.out.println("supervisor: no TaskManager alive, starting " + cluster.startTaskManager());
                }
            }, 1, 1, TimeUnit.SECONDS);
            Future<EmbeddedRun.Result> run = pool.submit(() -> new EmbeddedRun(cfg, quiet()).run());
            String jobId = awaitRunningEmulation(run);
            assertThat(cluster.rest().jobState(jobId)).as("fault injected mid-run").isEqualTo("RUNNING");
            long t0 = System.nanoTime();
            injecting.set(true);
            try {
                fault.inject(jobId);
            } finally {
                injecting.set(false);
            }
            // recovery time: from the fault until every task runs again, once the job has noticed (left RUNNING)
            long noticeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            boolean restarted = false;
            while (!run.isDone() && System.nanoTime() < noticeDeadline) {
                if (!cluster.rest().allTasksRunning(jobId)) {
                    restarted = true;
                    break;
                }
                sleep(100);
            }
            while (restarted && !run.isDone() && !cluster.rest().allTasksRunning(jobId)) {
                sleep(100);
            }
            System.out.printf("RECOVERY %s: %s %.1f s after the fault was injected%n", cfg.topicPrefix(),
                    restarted ? "all tasks running again" : "no restart; the job carried on, checked", (System.nanoTime() - t0) / 1e9);
            run.get(10, TimeUnit.MINUTES);
            return jobId;
        } finally {
            supervisor.shutdownNow();
            supervisor.awaitTermination(1, TimeUnit.MINUTES);
            pool.shutdownNow();
        }
    }

    private String awaitRunningEmulation(Future<?> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (run.isDone()) {
                try {
                    run.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("the run failed before the fault was injected; broker log tail:\n"
                            + EmbeddedRun.tail(cluster.logDir().resolve("kafka.log"), 40), e.getCause());
                }
                throw new AssertionError("the run ended before the fault could be injected");
            }
            for (var job : cluster.rest().listJobs()) {
                if (job.name().startsWith("cmbench serving emulation") && "RUNNING".equals(job.state())
                        && cluster.rest().completedCheckpoints(job.id()) >= 1) {
                    return job.id();
                }
            }
            sleep(100);
        }
        throw new AssertionError("no emulation job reached a completed checkpoint within 5 minutes; broker log tail:\n"
                + EmbeddedRun.tail(cluster.logDir().resolve("kafka.log"), 40));
    }

    private static RequestEvent decode(byte[] b) {
        try {
            return RequestEvent.fromByteBuffer(ByteBuffer.wrap(b));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static java.io.PrintStream quiet() {
        return new java.io.PrintStream(java.io.PrintStream.nullOutputStream());
    }

    /** Where the shaded job jar is. */
    static final class CmbenchJar {
        static Path path() {
            return io.cmbench.cluster.CmbenchHome.locate().resolve(ClusterJobs.JOB_JAR);
        }
    }
}
