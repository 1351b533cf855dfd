package io.cmbench.cluster;

import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import io.cmbench.cluster.kafka.KafkaBrokerSetup;
import io.cmbench.cluster.kafka.SaslCredentials;
import io.cmbench.cluster.process.ClusterProcesses;
import io.cmbench.cluster.rest.FlinkRestClient;
import io.cmbench.cluster.rest.FlinkRestClient.TaskManagerInfo;
import io.cmbench.cluster.rest.FlinkRestException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Kafka broker (KRaft) and a Flink standalone session cluster (one JobManager, N TaskManagers), each its
 * own detached JVM on 127.0.0.1, started from the Maven-built class paths {@code cluster/target/flink-lib}
 * and {@code cluster/target/kafka-lib}. Everything lives under one directory:
 *
 * <pre>
 *   cluster.properties   ports and settings (read by status/stop from another invocation)
 *   conf/                Flink config.yaml, log4j.properties, memory params
 *   kafka/               server.properties, JAAS file (SASL), data/ (kept across broker restarts)
 *   security/            client.properties (SASL), credentials.properties (generated credentials)
 *   logs/                kafka.log, jobmanager.log/.out, taskmanager-N.log/.out
 *   pids/                ROLE.pid
 *   lib/flink, lib/kafka hard links to the jars (a rebuild does not pull them from under the JVMs)
 *   tmp/, jars/, checkpoints/, savepoints/
 * </pre>
 *
 * <p>Roles: {@code kafka}, {@code jobmanager}, {@code taskmanager-1}, {@code taskmanager-2}, ... A
 * TaskManager's Flink resource id is its role, so {@code /taskmanagers} lists it under that id.
 *
 * <p>{@link #close()} stops everything. For fault tests: {@link #killTaskManager}, {@link #startTaskManager},
 * {@link #stopKafka}, {@link #killKafka}, {@link #startKafka}.
 */
public final class LocalCluster implements AutoCloseable {
    public static final String KAFKA = "kafka";
    public static final String JOB_MANAGER = "jobmanager";
    public static final String TASK_MANAGER_PREFIX = "taskmanager-";

    private static final String STATE_FILE = "cluster.properties";
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Pattern PROM_PORT = Pattern.compile("Started PrometheusReporter HTTP server on port (\\d+)");

    private final Path dir;
    private final ClusterProcesses procs;
    private final Properties state;
    private final Duration timeout;
    private StartTimings timings;
    /** Set when a start fails: a broker launch still in flight must not outlive it. */
    private final AtomicBoolean aborted = new AtomicBoolean();

    private LocalCluster(Path dir, Properties state, Duration timeout) {
        this.dir = dir;
        this.procs = new ClusterProcesses(dir);
        this.state = state;
        this.timeout = timeout;
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
        ClusterProcesses procs = new ClusterProcesses(dir);
        Map<String, ProcessHandle> running = procs.running();
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
        int kafkaPort = port("--kafka-port", spec.kafkaPort());
        int restPort = port("--rest-port", spec.restPort());
        int rpcPort = port("--rpc-port", spec.rpcPort());
        int controllerPort = freePortExcept(Set.of(kafkaPort, restPort, rpcPort));

        resetDirectory(dir);
        link(flinkLib, dir.resolve("lib").resolve("flink"));
        link(kafkaLib, dir.resolve("lib").resolve("kafka"));

        SaslCredentials sasl = null;
        if (spec.sasl()) {
            sasl = spec.saslCredentials() != null ? SaslCredentials.load(spec.saslCredentials())
                    : SaslCredentials.generate();
            sasl.writeClientProperties(dir.resolve("security").resolve("client.properties"));
            if (spec.saslCredentials() == null) {
                sasl.writeCredentials(dir.resolve("security").resolve("credentials.properties"));
            }
        }
        KafkaBrokerSetup.writeFiles(dir.resolve("kafka"), kafkaPort, controllerPort, sasl);
        FlinkSetup.writeConfig(dir, rpcPort, restPort, spec.slots(), spec.jobManagerMemory(), spec.taskManagerMemory(),
                spec.prometheusPorts(), spec.prometheusBindHost());

        Properties state = new Properties();
        state.setProperty("kafka.port", String.valueOf(kafkaPort));
        state.setProperty("kafka.controller.port", String.valueOf(controllerPort));
        state.setProperty("rest.port", String.valueOf(restPort));
        state.setProperty("rpc.port", String.valueOf(rpcPort));
        state.setProperty("taskmanagers", String.valueOf(spec.taskManagers()));
        state.setProperty("slots", String.valueOf(spec.slots()));
        state.setProperty("sasl", String.valueOf(spec.sasl()));
        state.setProperty("prometheus.ports", spec.prometheusPorts() == null ? "" : spec.prometheusPorts());
        state.setProperty("prometheus.bind-host", spec.prometheusBindHost() == null
                ? ClusterSpec.DEFAULT_PROMETHEUS_BIND_HOST : spec.prometheusBindHost());
        state.setProperty("timeout.seconds", String.valueOf(spec.startTimeout().toSeconds()));
        state.setProperty("started", Instant.now().toString());
        writeState(dir, state);

        LocalCluster cluster = new LocalCluster(dir, state, spec.startTimeout());
        Thread cleanup = new Thread(() -> stop(dir), "cmbench-cluster-start-abort");
        Runtime.getRuntime().addShutdownHook(cleanup);
        CompletableFuture<Long> kafka = null;
        try {
            kafka = CompletableFuture.supplyAsync(() -> {
                cluster.launchKafka(true);
                return System.nanoTime();
            });
            CompletableFuture<FlinkSetup.ResourceParams> tmParams = CompletableFuture.supplyAsync(
                    () -> FlinkSetup.computeParams(dir, cluster.flinkClassPath(), false));
            FlinkSetup.ResourceParams jmParams = FlinkSetup.computeParams(dir, cluster.flinkClassPath(), true);
            cluster.launchJobManager(jmParams);
            cluster.awaitRest();
            long jmReady = System.nanoTime();
            tmParams.join();
            List<String> tms = new ArrayList<>();
            for (int i = 1; i <= spec.taskManagers(); i++) {
                tms.add(cluster.launchTaskManager(TASK_MANAGER_PREFIX + i));
            }
            cluster.awaitRegistered(tms);
            long tmsReady = System.nanoTime();
            long kafkaReady = kafka.join();
            long end = System.nanoTime();
            cluster.timings = new StartTimings(Duration.ofNanos(kafkaReady - t0), Duration.ofNanos(jmReady - t0),
                    Duration.ofNanos(tmsReady - t0), Duration.ofNanos(end - t0));
            return cluster;
        } catch (RuntimeException e) {
            cluster.aborted.set(true);
            if (kafka != null) {
                kafka.exceptionally(ignored -> 0L).join(); // returns at once once aborted is set
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
        return readState(d).map(s -> new LocalCluster(d, s,
                Duration.ofSeconds(Long.parseLong(s.getProperty("timeout.seconds", "120")))));
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
        stop(dir);
    }

    /** The status of the cluster recorded in {@code dir}; never throws for a cluster that is down. */
    public static ClusterStatus status(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        return attach(d).map(LocalCluster::status).orElseGet(() -> ClusterStatus.notConfigured(d));
    }

    // ================================================================= accessors

    public Path dir() {
        return dir;
    }

    public int kafkaPort() {
        return intState("kafka.port");
    }

    public int restPort() {
        return intState("rest.port");
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort();
    }

    /** {@code 127.0.0.1:PORT} of the REST API / web UI (what {@code run --cluster} takes). */
    public String restAddress() {
        return "127.0.0.1:" + restPort();
    }

    public FlinkRestClient rest() {
        return new FlinkRestClient(restAddress());
    }

    public boolean sasl() {
        return Boolean.parseBoolean(state.getProperty("sasl"));
    }

    /** The client properties file of a SASL broker ({@code security/client.properties}). */
    public Optional<Path> clientPropertiesFile() {
        Path f = dir.resolve("security").resolve("client.properties");
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
        return dir.resolve("logs");
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
        // a cluster.properties of an older cmbench has no bind host: its reporters listened on all interfaces
        return state.getProperty("prometheus.bind-host", "0.0.0.0");
    }

    /** The port the Prometheus reporter of {@code role} listens on (from its log), if it started one. */
    public OptionalInt prometheusPort(String role) {
        Path log = logDir().resolve(role + ".log");
        if (!Files.exists(log)) {
            return OptionalInt.empty();
        }
        OptionalInt found = OptionalInt.empty();
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            for (String l : (Iterable<String>) lines::iterator) {
                Matcher m = PROM_PORT.matcher(l);
                if (m.find()) {
                    found = OptionalInt.of(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return OptionalInt.empty();
        }
        return found;
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
        Set<Integer> used = new TreeSet<>();
        procs.recordedRoles().stream().filter(r -> r.startsWith(TASK_MANAGER_PREFIX)).forEach(r -> used.add(tmIndex(r)));
        procs.running().keySet().stream().filter(r -> r.startsWith(TASK_MANAGER_PREFIX)).forEach(r -> used.add(tmIndex(r)));
        // Never reuse an index: the JobManager may still list a killed TaskManager under its id.
        used.add(Integer.parseInt(readState(dir).orElse(state).getProperty("taskmanagers.launched", "0")));
        int next = used.stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        String role = launchTaskManager(TASK_MANAGER_PREFIX + next);
        awaitRegistered(List.of(role));
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
        launchKafka(false);
    }

    // ================================================================= status

    public ClusterStatus status() {
        Map<String, ProcessHandle> running = procs.running();
        List<ClusterStatus.ProcessState> processes = new ArrayList<>();
        Set<String> roles = new TreeSet<>(Comparator.comparingInt(LocalCluster::roleOrder).thenComparing(r -> r));
        roles.addAll(running.keySet());
        roles.addAll(procs.recordedRoles());
        for (String role : roles) {
            ProcessHandle h = running.get(role);
            long pid = h != null ? h.pid() : procs.readPid(role).orElse(-1L);
            processes.add(new ClusterStatus.ProcessState(role, pid, h != null));
        }
        boolean kafkaAnswers = running.containsKey(KAFKA)
                && KafkaBrokerSetup.answers(bootstrapServers(), clientProperties(), Duration.ofSeconds(5));
        FlinkRestClient rest = new FlinkRestClient(java.net.URI.create("http://" + restAddress()), Duration.ofSeconds(5));
        FlinkRestClient.ClusterOverview overview = null;
        List<TaskManagerInfo> tms = List.of();
        List<FlinkRestClient.JobSummary> jobs = List.of();
        if (running.containsKey(JOB_MANAGER)) {
            try {
                overview = rest.overview();
                tms = rest.taskManagers();
                jobs = rest.listJobs();
            } catch (FlinkRestException e) {
                // REST down: reported as such
            }
        }
        Map<String, Integer> prom = new LinkedHashMap<>();
        for (String role : running.keySet()) {
            prometheusPort(role).ifPresent(p -> prom.put(role, p));
        }
        return new ClusterStatus(dir, true, processes, bootstrapServers(), sasl(), kafkaAnswers,
                "http://" + restAddress(), overview, tms, jobs, prom, prometheusBindHost(), clientPropertiesFile().orElse(null));
    }

    // ================================================================= internals

    private String flinkClassPath() {
        return dir.resolve("lib").resolve("flink") + "/*";
    }

    private String kafkaClassPath() {
        return dir.resolve("lib").resolve("kafka") + "/*";
    }

    private void launchKafka(boolean format) {
        Path kdir = dir.resolve("kafka");
        if (format) {
            KafkaBrokerSetup.formatIfNeeded(kdir, kafkaClassPath());
        }
        if (aborted.get()) {
            throw new ClusterStartException("start aborted");
        }
        if (!isFree(kafkaPort())) {
            throw new ClusterStartException("--kafka-port " + kafkaPort() + ": port already in use on 127.0.0.1");
        }
        List<String> cmd = KafkaBrokerSetup.command(kdir, kafkaClassPath(), procs.markers(KAFKA), "kafka.Kafka",
                KafkaBrokerSetup.config(kdir).toAbsolutePath().toString());
        ProcessHandle h = procs.launch(KAFKA, cmd, logDir().resolve("kafka.log"));
        try {
            KafkaBrokerSetup.awaitReady(bootstrapServers(), clientProperties(), () -> h.isAlive() && !aborted.get(), timeout,
                    logDir().resolve("kafka.log"));
        } catch (EmbeddedKafkaBroker.BrokerStartException e) {
            throw new ClusterStartException(e.getMessage(), e);
        }
    }

    private void launchJobManager(FlinkSetup.ResourceParams params) {
        List<String> cmd = FlinkSetup.command(dir, flinkClassPath(), JOB_MANAGER, params, procs.markers(JOB_MANAGER),
                FlinkSetup.JOB_MANAGER_MAIN, List.of());
        procs.launch(JOB_MANAGER, cmd, logDir().resolve(JOB_MANAGER + ".out"));
    }

    private String launchTaskManager(String role) {
        FlinkSetup.ResourceParams params = FlinkSetup.storedParams(dir, false);
        if (params == null) {
            params = FlinkSetup.computeParams(dir, flinkClassPath(), false);
        }
        List<String> cmd = FlinkSetup.command(dir, flinkClassPath(), role, params, procs.markers(role),
                FlinkSetup.TASK_MANAGER_MAIN, List.of("taskmanager.resource-id=" + role));
        procs.launch(role, cmd, logDir().resolve(role + ".out"));
        synchronized (state) {
            int launched = Math.max(tmIndex(role), Integer.parseInt(state.getProperty("taskmanagers.launched", "0")));
            state.setProperty("taskmanagers.launched", String.valueOf(launched));
            writeState(dir, state);
        }
        return role;
    }

    private void awaitRest() {
        FlinkRestClient rest = new FlinkRestClient(java.net.URI.create("http://" + restAddress()), Duration.ofSeconds(2));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!rest.isUp(Duration.ofSeconds(2))) {
            if (procs.find(JOB_MANAGER).isEmpty()) {
                throw new ClusterStartException("the Flink JobManager exited during start-up; " + logTail(JOB_MANAGER));
            }
            if (System.nanoTime() > deadline) {
                throw new ClusterStartException("the Flink REST API at http://" + restAddress() + " did not answer within "
                        + timeout.toSeconds() + " s; " + logTail(JOB_MANAGER));
            }
            sleep(200);
        }
    }

    private void awaitRegistered(List<String> roles) {
        FlinkRestClient rest = new FlinkRestClient(java.net.URI.create("http://" + restAddress()), Duration.ofSeconds(5));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Set<String> registered;
            try {
                registered = rest.taskManagers().stream().map(TaskManagerInfo::id).collect(Collectors.toSet());
            } catch (FlinkRestException e) {
                registered = Set.of();
            }
            // registered AND its slots reported: the overview counts slots only after the TaskManager's slot report,
            // which can lag its registration (a job submitted in between would wait for resources)
            if (registered.containsAll(roles) && slotsReported(rest, registered.size())) {
                return;
            }
            for (String role : roles) {
                if (procs.find(role).isEmpty()) {
                    throw new ClusterStartException("the Flink TaskManager " + role + " exited during start-up; "
                            + logTail(role));
                }
            }
            if (System.nanoTime() > deadline) {
                List<String> missing = roles.stream().filter(r -> !registeredContains(rest, r)).toList();
                throw new ClusterStartException("TaskManager(s) " + missing + " did not register with the JobManager within "
                        + timeout.toSeconds() + " s; " + logTail(missing.isEmpty() ? roles.get(0) : missing.get(0)));
            }
            sleep(250);
        }
    }

    private boolean slotsReported(FlinkRestClient rest, int taskManagers) {
        try {
            return rest.overview().slotsTotal() >= taskManagers * Integer.parseInt(state.getProperty("slots"));
        } catch (FlinkRestException e) {
            return false;
        }
    }

    private static boolean registeredContains(FlinkRestClient rest, String role) {
        try {
            return rest.taskManagers().stream().anyMatch(t -> t.id().equals(role));
        } catch (FlinkRestException e) {
            return false;
        }
    }

    private String logTail(String role) {
        Path log = logDir().resolve(role + ".log");
        Path out = logDir().resolve(role + ".out");
        StringBuilder sb = new StringBuilder("last lines of ").append(log).append(":\n")
                .append(KafkaBrokerSetup.tail(log, 15));
        if (Files.exists(out)) {
            try {
                if (Files.size(out) > 0) {
                    sb.append("\nlast lines of ").append(out).append(":\n").append(KafkaBrokerSetup.tail(out, 10));
                }
            } catch (IOException ignored) {
                // best effort
            }
        }
        return sb.toString();
    }

    private int intState(String key) {
        return Integer.parseInt(state.getProperty(key));
    }

    static int tmIndex(String role) {
        try {
            return Integer.parseInt(role.substring(TASK_MANAGER_PREFIX.length()));
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static int roleOrder(String role) {
        return KAFKA.equals(role) ? 0 : JOB_MANAGER.equals(role) ? 1 : 2;
    }

    private static String describe(Map<String, ProcessHandle> running) {
        return running.entrySet().stream().map(e -> e.getKey() + " pid " + e.getValue().pid())
                .collect(Collectors.joining(", "));
    }

    private static int port(String option, int port) {
        if (port == 0) {
            return EmbeddedKafkaBroker.freePort();
        }
        if (port < 1 || port > 65535) {
            throw new ClusterStartException(option + " " + port + ": not a port number");
        }
        if (!isFree(port)) {
            throw new ClusterStartException(option + " " + port + ": port already in use on 127.0.0.1");
        }
        return port;
    }

    private static int freePortExcept(Set<Integer> taken) {
        for (int i = 0; i < 20; i++) {
            int p = EmbeddedKafkaBroker.freePort();
            if (!taken.contains(p)) {
                return p;
            }
        }
        throw new ClusterStartException("no free port on 127.0.0.1");
    }

    /** True when {@code port} can be bound on 127.0.0.1 now. */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void resetDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String sub : List.of("conf", "kafka", "logs", "pids", "tmp", "jars", "checkpoints", "savepoints", "lib",
                    "security")) {
                deleteRecursively(dir.resolve(sub));
            }
            Files.deleteIfExists(dir.resolve(STATE_FILE));
            Files.createDirectories(dir.resolve("logs"));
        } catch (IOException e) {
            throw new ClusterStartException("cannot prepare the cluster directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Hard-links (or copies, across file systems) every jar of {@code from} into {@code to}. */
    private static void link(Path from, Path to) {
        try (Stream<Path> jars = Files.list(from)) {
            Files.createDirectories(to);
            for (Path jar : (Iterable<Path>) jars::iterator) {
                Path target = to.resolve(jar.getFileName());
                try {
                    Files.createLink(target, jar);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(jar, target);
                }
            }
        } catch (IOException e) {
            throw new ClusterStartException("cannot set up the class path in " + to + ": " + e.getMessage(), e);
        }
    }

    private static void writeState(Path dir, Properties state) {
        try (Writer w = Files.newBufferedWriter(dir.resolve(STATE_FILE), StandardCharsets.UTF_8)) {
            state.store(w, "cmbench local cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Properties> readState(Path dir) {
        Path f = dir.resolve(STATE_FILE);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(p);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStartException("interrupted while starting the cluster", e);
        }
    }
}
