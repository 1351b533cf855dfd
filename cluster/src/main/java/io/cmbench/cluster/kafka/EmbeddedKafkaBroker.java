package io.cmbench.cluster.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Kafka broker (KRaft, combined broker + controller) in a child JVM, bound to 127.0.0.1.
 *
 * <p>It runs Kafka's own entry points ({@code kafka.tools.StorageTool format}, then {@code kafka.Kafka})
 * from this JVM's class path, so it is the same code path as a real deployment. By default the log
 * directory is temporary and removed on {@link #close()}; with {@link Options#dataDir} it is kept. A
 * shutdown hook stops the child on Ctrl-C.
 *
 * <p>For fault tests: {@link #stop()} (SIGTERM) or {@link #kill()} (SIGKILL), then {@link #restart()}
 * brings the broker back on the same port, controller port and data dir.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path workDir;
    private final boolean deleteOnClose;
    private final int brokerPort;
    private final SaslCredentials sasl;
    private final String classPath;
    private final Thread shutdownHook;
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private Process process;

    /**
     * How to start a broker.
     *
     * @param port      client port on 127.0.0.1; 0 = a free port
     * @param parentDir where a temporary broker directory is created when {@code dataDir} is null
     * @param dataDir   a fixed broker directory (config + data), kept on close and reused by a later start; or null
     * @param sasl      SASL/PLAIN on every listener with these credentials; or null for PLAINTEXT
     * @param classPath the broker JVM's class path; null = this JVM's class path
     */
    public record Options(int port, Path parentDir, Path dataDir, SaslCredentials sasl, String classPath) {
        public static Options of(int port, Path parentDir) {
            return new Options(port, parentDir, null, null, null);
        }

        public Options withDataDir(Path dir) {
            return new Options(port, parentDir, dir, sasl, classPath);
        }

        public Options withSasl(SaslCredentials credentials) {
            return new Options(port, parentDir, dataDir, credentials, classPath);
        }

        public Options withClassPath(String cp) {
            return new Options(port, parentDir, dataDir, sasl, cp);
        }
    }

    private EmbeddedKafkaBroker(Path workDir, boolean deleteOnClose, int brokerPort, SaslCredentials sasl,
                                String classPath) {
        this.workDir = workDir;
        this.deleteOnClose = deleteOnClose;
        this.brokerPort = brokerPort;
        this.sasl = sasl;
        this.classPath = classPath;
        this.shutdownHook = new Thread(this::stopQuietly, "cmbench-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a broker on {@code brokerPort} (0 = a free port) and waits until it serves requests.
     *
     * @throws BrokerStartException with the reason (port in use, child exited, timeout) and the log tail
     */
    public static EmbeddedKafkaBroker start(int brokerPort, Path parentDir) {
        return start(Options.of(brokerPort, parentDir));
    }

    /**
     * Starts a broker as {@code options} say and waits until it serves requests. With a {@code dataDir}
     * that already holds a broker (written by an earlier start), its port and data are reused.
     */
    public static EmbeddedKafkaBroker start(Options options) {
        String cp = options.classPath() != null ? options.classPath() : System.getProperty("java.class.path");
        int[] previous = options.dataDir() == null ? null : KafkaBrokerSetup.existingPorts(options.dataDir());
        int wanted = options.port() != 0 ? options.port() : previous != null ? previous[0] : 0;
        int port = wanted == 0 ? freePort() : requireFreePort(wanted);
        int controllerPort = previous != null ? previous[1] : freePortOtherThan(port);
        Path dir;
        try {
            if (options.dataDir() != null) {
                dir = Files.createDirectories(options.dataDir());
            } else {
                Files.createDirectories(options.parentDir());
                dir = Files.createTempDirectory(options.parentDir(), "kafka-");
            }
        } catch (IOException e) {
            throw new BrokerStartException("could not create the Kafka broker directory: " + e.getMessage(), e);
        }
        KafkaBrokerSetup.writeFiles(dir, port, controllerPort, options.sasl());
        KafkaBrokerSetup.formatIfNeeded(dir, cp);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, options.dataDir() == null, port, options.sasl(), cp);
        broker.launchAndAwait();
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public int port() {
        return brokerPort;
    }

    public Path logFile() {
        return workDir.resolve("broker.out");
    }

    /** The broker directory (server.properties, data/). */
    public Path directory() {
        return workDir;
    }

    /** Client properties needed to talk to this broker: empty for PLAINTEXT, the SASL settings otherwise. */
    public Properties clientProperties() {
        return sasl == null ? new Properties() : sasl.clientProperties();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The broker JVM's pid (-1 when stopped). */
    public synchronized long pid() {
        return isRunning() ? process.pid() : -1;
    }

    /** Stops the broker cleanly (SIGTERM, 20 s, then SIGKILL); keeps its directory for {@link #restart()}. */
    public synchronized void stop() {
        terminate(false);
    }

    /** Kills the broker (SIGKILL) and waits for the process to end; keeps its directory. */
    public synchronized void kill() {
        terminate(true);
    }

    /** Starts the stopped broker again on the same port and data dir; waits until it serves requests. */
    public synchronized void restart() {
        if (isRunning()) {
            throw new IllegalStateException("the Kafka broker is running (pid " + process.pid() + ")");
        }
        requireFreePort(brokerPort);
        launchAndAwait();
    }

    private synchronized void launchAndAwait() {
        try {
            List<String> cmd = new java.util.ArrayList<>();
            if (Files.isExecutable(SETSID)) {
                // its own session: a Ctrl-C at the terminal reaches the launcher only, which stops the broker when it
                // is done with it (a live run drains and writes its report after Ctrl-C, on this broker)
                cmd.add(SETSID.toString());
            }
            cmd.addAll(KafkaBrokerSetup.command(workDir, classPath, List.of(), "kafka.Kafka",
                    KafkaBrokerSetup.config(workDir).toAbsolutePath().toString()));
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
        } catch (IOException e) {
            close();
            throw new BrokerStartException("could not start the Kafka broker: " + e.getMessage(), e);
        }
        Process p = process;
        try {
            KafkaBrokerSetup.awaitReady(bootstrapServers(), clientProperties(), p::isAlive, START_TIMEOUT, logFile());
        } catch (BrokerStartException e) {
            close();
            throw e;
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
        // A temporary broker's data is deleted anyway: no need for Kafka's controlled shutdown (seconds), which
        // would hold up Ctrl-C. A broker with a kept data dir shuts down cleanly.
        terminate(deleteOnClose);
        if (deleteOnClose) {
            deleteRecursively(workDir);
        }
    }

    private void terminate(boolean forcibly) {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            if (forcibly) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                return;
            }
            process.destroy(); // SIGTERM: Kafka shuts down cleanly
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A free port that is not {@code taken}: the OS may hand out the port just released by {@link #freePort()} again
     * (seen in CI: client and controller listeners on one port, which the broker refuses at format time).
     */
    private static int freePortOtherThan(int taken) {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            if (s.getLocalPort() != taken) {
                return s.getLocalPort();
            }
            try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                return other.getLocalPort(); // s still holds the port equal to taken, so this one differs
            }
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
