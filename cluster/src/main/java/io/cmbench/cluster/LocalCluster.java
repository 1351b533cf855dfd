package io.cmbench.cluster;

import io.cmbench.cluster.kafka.KafkaBrokerSetup;
import io.cmbench.cluster.kafka.SaslCredentials;
import io.cmbench.cluster.process.ClusterProcesses;
import io.cmbench.cluster.rest.FlinkRestClient;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * A Kafka broker (KRaft) and a Flink standalone session cluster (one JobManager, N TaskManagers), each its
 * own detached JVM on 127.0.0.1, started from the Maven-built class paths {@code cluster/target/flink-lib}
 * and {@code cluster/target/kafka-lib}. Everything lives under one directory ({@link ClusterDirectory} lists it).
 *
 * <p>Roles: {@code kafka}, {@code jobmanager}, {@code taskmanager-1}, {@code taskmanager-2}, ... A
 * TaskManager's Flink resource id is its role, so {@code /taskmanagers} lists it under that id.
 *
 * <p>This class runs the start and answers for the cluster; its parts: {@link ClusterState} (the state file read by
 * other invocations), {@link LoopbackPorts}, {@link ClusterLauncher} (one JVM per role), {@link ClusterReadiness}
 * (waiting until Flink can take a job), {@link ClusterStatusProbe}.
 *
 * <p>{@link #close()} stops everything. For fault tests: {@link #killTaskManager}, {@link #startTaskManager},
 * {@link #stopKafka}, {@link #killKafka}, {@link #startKafka}.
 */
public final class LocalCluster implements AutoCloseable {
    public static final String KAFKA = "kafka";
    public static final String JOB_MANAGER = "jobmanager";
    public static final String TASK_MANAGER_PREFIX = "taskmanager-";

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final ClusterDirectory dir;
    private final ClusterProcesses procs;
    private final ClusterState state;
    private final ClusterLauncher launcher;
    private final ClusterReadiness readiness;
    private StartTimings timings;

    private LocalCluster(Path dir, ClusterState state, Duration timeout) {
        this.dir = new ClusterDirectory(dir);
        this.procs = new ClusterProcesses(dir);
        this.state = state;
        this.launcher = new ClusterLauncher(this.dir, procs, state, timeout, this::clientProperties);
        this.readiness = new ClusterReadiness(this.dir, procs, state, timeout);
    }

    /** How long each phase of {@link #start} took (wall clock, from the start call). */
    public record StartTimings(Duration kafkaReady, Duration jobManagerReady, Duration taskManagersRegistered,
                               Duration total) {}

    // ================================================================= start / attach / stop

    /**
     * Starts the broker, the JobManager and the TaskManagers, and waits until the broker answers and every
     * TaskManager is registered. On failure everything started is stopped again.
     *
     * @throws ClusterStartException port in use (naming the option), cluster already running, a process that
     *                               exited or a wait that timed out (with the log tail)
     */
    public static LocalCluster start(ClusterSpec spec) {
        long t0 = System.nanoTime();
        Path dir = spec.dir().toAbsolutePath().normalize();
        Map<String, ProcessHandle> running = new ClusterProcesses(dir).running();
        if (!running.isEmpty()) {
            throw new ClusterStartException("a cluster is already running in " + dir + " (" + describe(running)
                    + "); stop it first with `cmbench cluster stop`");
        }
        Path home = spec.home() != null ? spec.home() : CmbenchHome.locate();
        Path flinkLib = home.resolve(CmbenchHome.FLINK_LIB);
        Path kafkaLib = home.resolve(CmbenchHome.KAFKA_LIB);
        if (!Files.isDirectory(flinkLib) || !Files.isDirectory(kafkaLib)) {
            throw new ClusterStartException("missing " + flinkLib + " or " + kafkaLib
                    + ": build the cluster module first (`mvn -B -DskipTests package`)");
        }
        if (spec.taskManagers() < 1 || spec.slots() < 1) {
            throw new ClusterStartException("need at least 1 TaskManager with 1 slot");
        }
        int kafkaPort = LoopbackPorts.requested("--kafka-port", spec.kafkaPort());
        int restPort = LoopbackPorts.requested("--rest-port", spec.restPort());
        int rpcPort = LoopbackPorts.requested("--rpc-port", spec.rpcPort());
        int controllerPort = LoopbackPorts.freeExcept(Set.of(kafkaPort, restPort, rpcPort));

        ClusterDirectory layout = new ClusterDirectory(dir);
        layout.reset();
        layout.linkJars(flinkLib, kafkaLib);
        SaslCredentials sasl = null;
        if (spec.sasl()) {
            sasl = spec.saslCredentials() != null ? SaslCredentials.load(spec.saslCredentials())
                    : SaslCredentials.generate();
            sasl.writeClientProperties(layout.clientProperties());
            if (spec.saslCredentials() == null) {
                sasl.writeCredentials(layout.generatedCredentials());
            }
        }
        KafkaBrokerSetup.writeFiles(layout.kafka(), kafkaPort, controllerPort, sasl);
        FlinkSetup.writeConfig(dir, rpcPort, restPort, spec.slots(), spec.jobManagerMemory(), spec.taskManagerMemory(),
                spec.prometheusPorts(), spec.prometheusBindHost());
        ClusterState state = ClusterState.create(dir, spec, kafkaPort, controllerPort, restPort, rpcPort);

        LocalCluster cluster = new LocalCluster(dir, state, spec.startTimeout());
        Thread cleanup = new Thread(() -> stop(dir), "cmbench-cluster-start-abort");
        Runtime.getRuntime().addShutdownHook(cleanup);
        CompletableFuture<Long> kafka = null;
        try {
            kafka = CompletableFuture.supplyAsync(() -> {
                cluster.launcher.launchKafka(true);
                return System.nanoTime();
            });
            CompletableFuture<FlinkSetup.ResourceParams> tmParams = CompletableFuture.supplyAsync(
                    () -> FlinkSetup.computeParams(dir, layout.flinkClassPath(), false));
            FlinkSetup.ResourceParams jmParams = FlinkSetup.computeParams(dir, layout.flinkClassPath(), true);
            cluster.launcher.launchJobManager(jmParams);
            cluster.readiness.awaitRest();
            long jmReady = System.nanoTime();
            tmParams.join();
            List<String> tms = new ArrayList<>();
            for (int i = 1; i <= spec.taskManagers(); i++) {
                tms.add(cluster.launcher.launchTaskManager(TASK_MANAGER_PREFIX + i));
            }
            cluster.readiness.awaitRegistered(tms);
            long tmsReady = System.nanoTime();
            long kafkaReady = kafka.join();
            long end = System.nanoTime();
            cluster.timings = new StartTimings(Duration.ofNanos(kafkaReady - t0), Duration.ofNanos(jmReady - t0),
                    Duration.ofNanos(tmsReady - t0), Duration.ofNanos(end - t0));
            return cluster;
        } catch (RuntimeException e) {
            cluster.launcher.abort();
            if (kafka != null) {
                kafka.exceptionally(ignored -> 0L).join(); // returns at once once aborted
            }
            stop(dir);
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ClusterStartException cse) {
                throw cse;
            }
            throw new ClusterStartException(cause.getMessage(), cause);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
    }

    /** The cluster recorded in {@code dir} (running or not), or empty when nothing was ever started there. */
    public static Optional<LocalCluster> attach(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        return ClusterState.read(d).map(s -> new LocalCluster(d, s, Duration.ofSeconds(s.timeoutSeconds())));
    }

    /**
     * Stops every process of the cluster in {@code dir} (the Flink JVMs, then the broker: SIGTERM, 30 s, then
     * SIGKILL) and waits until they are gone. Idempotent. Returns what was stopped ({@code role pid}).
     */
    public static List<String> stop(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        ClusterProcesses procs = new ClusterProcesses(d);
        Map<String, ProcessHandle> all = new LinkedHashMap<>(procs.running());
        for (String role : procs.recordedRoles()) {
            procs.find(role).ifPresent(h -> all.putIfAbsent(role, h));
        }
        List<String> stopped = new ArrayList<>();
        List<ProcessHandle> flink = new ArrayList<>();
        all.forEach((role, h) -> {
            stopped.add(role + " (pid " + h.pid() + ")");
            if (!KAFKA.equals(role)) {
                flink.add(h);
            }
        });
        ClusterProcesses.terminate(flink, STOP_GRACE);
        if (all.containsKey(KAFKA)) {
            ClusterProcesses.terminate(List.of(all.get(KAFKA)), STOP_GRACE);
        }
        procs.recordedRoles().forEach(procs::forget);
        return stopped;
    }

    /** Stops everything ({@link #stop(Path)}). */
    @Override
    public void close() {
        stop(dir.path());
    }

    /** The status of the cluster recorded in {@code dir}; never throws for a cluster that is down. */
    public static ClusterStatus status(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        return attach(d).map(LocalCluster::status).orElseGet(() -> ClusterStatus.notConfigured(d));
    }

    // ================================================================= accessors

    public Path dir() {
        return dir.path();
    }

    public int kafkaPort() {
        return state.kafkaPort();
    }

    public int restPort() {
        return state.restPort();
    }

    public String bootstrapServers() {
        return state.bootstrapServers();
    }

    /** {@code 127.0.0.1:PORT} of the REST API / web UI (what {@code run --cluster} takes). */
    public String restAddress() {
        return state.restAddress();
    }

    public FlinkRestClient rest() {
        return new FlinkRestClient(restAddress());
    }

    public boolean sasl() {
        return state.sasl();
    }

    /** The client properties file of a SASL broker ({@code security/client.properties}). */
    public Optional<Path> clientPropertiesFile() {
        Path f = dir.clientProperties();
        return sasl() && Files.exists(f) ? Optional.of(f) : Optional.empty();
    }

    /** Kafka client properties every client of this broker needs (empty for PLAINTEXT). */
    public Properties clientProperties() {
        Properties p = new Properties();
        Optional<Path> f = clientPropertiesFile();
        if (f.isPresent()) {
            try (Reader r = Files.newBufferedReader(f.get(), StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f.get(), e);
            }
        }
        return p;
    }

    /** Timings of {@link #start}; null for an attached cluster. */
    public StartTimings startTimings() {
        return timings;
    }

    public Path logDir() {
        return dir.logs();
    }

    /** The live process of a role ({@code kafka}, {@code jobmanager}, {@code taskmanager-N}). */
    public Optional<ProcessHandle> process(String role) {
        return procs.find(role);
    }

    /** Roles of the live TaskManager JVMs, in index order. */
    public List<String> taskManagers() {
        return procs.running().keySet().stream().filter(r -> r.startsWith(TASK_MANAGER_PREFIX))
                .sorted(Comparator.comparingInt(LocalCluster::tmIndex)).toList();
    }

    /** The address the Prometheus reporters listen on ({@code 127.0.0.1} unless started otherwise). */
    public String prometheusBindHost() {
        return state.prometheusBindHost();
    }

    /** The port the Prometheus reporter of {@code role} listens on (from its log), if it started one. */
    public OptionalInt prometheusPort(String role) {
        return ClusterStatusProbe.prometheusPort(logDir().resolve(role + ".log"));
    }

    // ================================================================= fault-test hooks

    /** SIGKILL to a TaskManager ({@code taskmanager-N}); returns once the process is gone. */
    public void killTaskManager(String role) {
        ProcessHandle h = procs.find(role).orElseThrow(() -> new IllegalStateException(role + " is not running"));
        ClusterProcesses.kill(h);
        procs.forget(role);
    }

    /** Starts one more TaskManager ({@code taskmanager-<next>}) and waits until it is registered; returns its role. */
    public String startTaskManager() {
        String role = launcher.launchTaskManager(launcher.nextTaskManagerRole());
        readiness.awaitRegistered(List.of(role));
        return role;
    }

    /** Stops the broker cleanly (SIGTERM, up to 30 s); its port and data dir stay for {@link #startKafka()}. */
    public void stopKafka() {
        procs.find(KAFKA).ifPresent(h -> ClusterProcesses.terminate(List.of(h), STOP_GRACE));
        procs.forget(KAFKA);
    }

    /** SIGKILL to the broker; returns once it is gone. */
    public void killKafka() {
        procs.find(KAFKA).ifPresent(ClusterProcesses::kill);
        procs.forget(KAFKA);
    }

    /** Starts the broker again on the same port and data dir; waits until it answers. */
    public void startKafka() {
        procs.find(KAFKA).ifPresent(h -> {
            throw new IllegalStateException("the Kafka broker is running (pid " + h.pid() + ")");
        });
        launcher.launchKafka(false);
    }

    // ================================================================= status

    public ClusterStatus status() {
        return ClusterStatusProbe.probe(this, procs);
    }

    /** True when {@code port} can be bound on 127.0.0.1 now. */
    public static boolean isFree(int port) {
        return LoopbackPorts.isFree(port);
    }

    // ================================================================= internals

    /** The index N of {@code taskmanager-N}; {@link Integer#MAX_VALUE} for any other role. */
    static int tmIndex(String role) {
        try {
            return Integer.parseInt(role.substring(TASK_MANAGER_PREFIX.length()));
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static String describe(Map<String, ProcessHandle> running) {
        return running.entrySet().stream().map(e -> e.getKey() + " pid " + e.getValue().pid())
                .collect(Collectors.joining(", "));
    }
}
