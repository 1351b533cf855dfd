package io.cmbench.cluster.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker (KRaft, combined broker + controller) in a child JVM, bound to 127.0.0.1.
 *
 * <p>It runs Kafka's own entry points ({@code kafka.tools.StorageTool format}, then {@code kafka.Kafka})
 * from this JVM's class path, so it is the same code path as a real deployment. The log directory is
 * temporary and removed on {@link #close()}; a shutdown hook stops the child on Ctrl-C.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path workDir;
    private final int brokerPort;
    private final Process process;
    private final Thread shutdownHook;

    private EmbeddedKafkaBroker(Path workDir, int brokerPort, Process process) {
        this.workDir = workDir;
        this.brokerPort = brokerPort;
        this.process = process;
        this.shutdownHook = new Thread(this::stopQuietly, "cmbench-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a broker on {@code brokerPort} (0 = a free port) and waits until it serves requests.
     *
     * @throws BrokerStartException with the reason (port in use, child exited, timeout) and the log tail
     */
    public static EmbeddedKafkaBroker start(int brokerPort, Path parentDir) {
        int port = brokerPort == 0 ? freePort() : requireFreePort(brokerPort);
        int controllerPort = freePort();
        Path dir;
        try {
            Files.createDirectories(parentDir);
            dir = Files.createTempDirectory(parentDir, "kafka-");
            Path config = writeConfig(dir, port, controllerPort);
            Path log4j = writeLog4jConfig(dir);
            String clusterId = Uuid.randomUuid().toString();
            runToCompletion(dir, javaCommand(log4j, "kafka.tools.StorageTool",
                    "format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"));
            Process child = new ProcessBuilder(javaCommand(log4j, "kafka.Kafka", config.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("broker.out").toFile())
                    .start();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, port, child);
            broker.awaitReady();
            return broker;
        } catch (IOException e) {
            throw new BrokerStartException("could not start the Kafka broker: " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public Path logFile() {
        return workDir.resolve("broker.out");
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    String tail = logTail();
                    close();
                    throw new BrokerStartException("the Kafka broker exited during start-up (exit code "
                            + process.exitValue() + "); last log lines:\n" + tail);
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    sleep(200);
                }
            }
        }
        String tail = logTail();
        close();
        throw new BrokerStartException("the Kafka broker did not become ready within "
                + START_TIMEOUT.toSeconds() + " s; last log lines:\n" + tail);
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no broker log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // already in shutdown: the hook runs stopQuietly itself
        }
    }

    private synchronized void stopQuietly() {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: Kafka shuts down cleanly
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        deleteRecursively(workDir);
    }

    private static List<String> javaCommand(Path log4j, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms256m");
        cmd.add("-Xmx768m");
        cmd.add("-XX:+UseG1GC");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dlog4j2.configurationFile=" + log4j.toUri());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static void runToCompletion(Path dir, List<String> cmd) throws IOException {
        Path out = dir.resolve("format.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BrokerStartException("formatting the Kafka log directory timed out");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BrokerStartException("interrupted while formatting the Kafka log directory", e);
        }
        if (p.exitValue() != 0) {
            throw new BrokerStartException("formatting the Kafka log directory failed: "
                    + Files.readString(out, StandardCharsets.UTF_8).strip());
        }
    }

    private static Path writeConfig(Path dir, int port, int controllerPort) throws IOException {
        Path logs = Files.createDirectories(dir.resolve("data"));
        String config = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + logs,
                "num.partitions=4",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // Records carry wall-clock timestamps, but keep everything anyway: a run's topics are its data.
                "log.retention.ms=-1",
                "");
        Path file = dir.resolve("server.properties");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        return file;
    }

    private static Path writeLog4jConfig(Path dir) throws IOException {
        String config = String.join("\n",
                "status = error",
                "appender.out.type = Console",
                "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = WARN",
                "rootLogger.appenderRef.out.ref = out",
                "logger.kafka.name = kafka",
                "logger.kafka.level = INFO",
                "");
        Path file = dir.resolve("log4j2.properties");
        Files.writeString(file, config, StandardCharsets.UTF_8);
        return file;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int requireFreePort(int port) {
        try (ServerSocket s = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new BrokerStartException("--kafka-port " + port + ": port already in use on 127.0.0.1");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerStartException("interrupted while waiting for the Kafka broker", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: it is a temporary directory
        }
    }

    /** The broker could not be started; the message says why. */
    public static final class BrokerStartException extends RuntimeException {
        public BrokerStartException(String message) {
            super(message);
        }

        public BrokerStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
