package io.cmbench.cluster.kafka;

import io.cmbench.cluster.kafka.EmbeddedKafkaBroker.BrokerStartException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * The files and command line of a single-node KRaft broker (combined broker + controller) on 127.0.0.1,
 * shared by {@link EmbeddedKafkaBroker} (a child owned by this JVM) and the local cluster (a detached
 * process). Layout of a broker directory: {@code server.properties}, {@code log4j2.properties},
 * {@code kafka_server_jaas.conf} (SASL only), {@code data/} (the log dir, kept across restarts).
 */
public final class KafkaBrokerSetup {
    private KafkaBrokerSetup() {}

    public static Path config(Path dir) {
        return dir.resolve("server.properties");
    }

    public static Path dataDir(Path dir) {
        return dir.resolve("data");
    }

    public static Path jaasFile(Path dir) {
        return dir.resolve("kafka_server_jaas.conf");
    }

    /**
     * The client and controller ports of an existing broker directory ({@code [port, controllerPort]}),
     * or null when it holds no server.properties.
     */
    public static int[] existingPorts(Path dir) {
        Path file = config(dir);
        if (!Files.exists(file)) {
            return null;
        }
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            return null;
        }
        String adv = p.getProperty("advertised.listeners", "");
        String voters = p.getProperty("controller.quorum.voters", "");
        try {
            return new int[] {Integer.parseInt(adv.substring(adv.lastIndexOf(':') + 1).strip()),
                    Integer.parseInt(voters.substring(voters.lastIndexOf(':') + 1).strip())};
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** True once {@code kafka-storage format} ran on the data dir (a restart must not format again). */
    public static boolean isFormatted(Path dir) {
        return Files.exists(dataDir(dir).resolve("meta.properties"));
    }

    /**
     * Writes server.properties, log4j2.properties and (with {@code sasl}) the broker's JAAS file. Both the
     * client listener and the controller listener require SASL/PLAIN when {@code sasl} is set.
     */
    public static void writeFiles(Path dir, int port, int controllerPort, SaslCredentials sasl) {
        try {
            Files.createDirectories(dataDir(dir));
            String client = sasl == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
            String controllerProtocol = sasl == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
            List<String> lines = new ArrayList<>(List.of(
                    "# written by cmbench: single-node KRaft broker on 127.0.0.1",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                    "listeners=" + client + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=" + client + "://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=" + client,
                    "listener.security.protocol.map=" + client + ":" + client + ",CONTROLLER:" + controllerProtocol,
                    "log.dirs=" + dataDir(dir).toAbsolutePath(),
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
                    // Records may carry simulated timestamps: keep everything (retention by time would delete them).
                    "log.retention.ms=-1"));
            if (sasl != null) {
                lines.addAll(List.of(
                        "sasl.enabled.mechanisms=PLAIN",
                        "sasl.mechanism.inter.broker.protocol=PLAIN",
                        "sasl.mechanism.controller.protocol=PLAIN"));
                SaslCredentials.writePrivate(jaasFile(dir), sasl.brokerJaasFile());
            }
            Files.writeString(config(dir), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
                    "status = error",
                    "appender.out.type = Console",
                    "appender.out.name = out",
                    "appender.out.layout.type = PatternLayout",
                    "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                    "rootLogger.level = WARN",
                    "rootLogger.appenderRef.out.ref = out",
                    "logger.kafka.name = kafka",
                    "logger.kafka.level = INFO",
                    "logger.server.name = org.apache.kafka.server",
                    "logger.server.level = INFO",
                    ""), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Kafka broker configuration in " + dir, e);
        }
    }

    /** {@code java ... mainClass args}: the broker JVM (or its tools) with the given class path. */
    public static List<String> command(Path dir, String classPath, List<String> extraJvmArgs, String mainClass,
                                       String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms256m");
        cmd.add("-Xmx768m");
        cmd.add("-XX:+UseG1GC");
        cmd.add("-Djava.awt.headless=true");
        // the child's temporary files (lz4-java's native library, one per JVM, left behind when the child is killed)
        // stay inside the broker's directory, which goes with a temporary broker
        cmd.add("-Djava.io.tmpdir=" + tmpDir(dir).toAbsolutePath());
        cmd.add("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties").toAbsolutePath().toUri());
        if (Files.exists(jaasFile(dir))) {
            cmd.add("-Djava.security.auth.login.config=" + jaasFile(dir).toAbsolutePath());
        }
        cmd.addAll(extraJvmArgs);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Path tmpDir(Path dir) {
        try {
            return Files.createDirectories(dir.resolve("tmp"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Formats the data dir with a fresh cluster id unless it is formatted already (60 s at most). */
    public static void formatIfNeeded(Path dir, String classPath) {
        if (isFormatted(dir)) {
            return;
        }
        Path out = dir.resolve("format.out");
        List<String> cmd = command(dir, classPath, List.of(), "kafka.tools.StorageTool", "format",
                "-t", Uuid.randomUuid().toString(), "-c", config(dir).toAbsolutePath().toString(), "--ignore-formatted");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BrokerStartException("formatting the Kafka log directory timed out");
            }
            if (p.exitValue() != 0) {
                throw new BrokerStartException("formatting the Kafka log directory failed: "
                        + Files.readString(out, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new BrokerStartException("could not format the Kafka log directory: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerStartException("interrupted while formatting the Kafka log directory", e);
        }
    }

    /** True when a broker at {@code bootstrap} answers a metadata request within {@code timeout}. */
    public static boolean answers(String bootstrap, Properties clientProperties, Duration timeout) {
        Properties props = adminProps(bootstrap, clientProperties, timeout);
        try (Admin admin = Admin.create(props)) {
            return !admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).isEmpty();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    /**
     * Waits until the broker answers. {@code alive} false (the process exited) or the timeout ends it with a
     * {@link BrokerStartException} holding the log tail.
     */
    public static void awaitReady(String bootstrap, Properties clientProperties, BooleanSupplier alive,
                                  Duration timeout, Path log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(adminProps(bootstrap, clientProperties, Duration.ofSeconds(3)))) {
            while (System.nanoTime() < deadline) {
                if (!alive.getAsBoolean()) {
                    throw new BrokerStartException("the Kafka broker (" + bootstrap + ") exited during start-up; "
                            + "last lines of " + log + ":\n" + tail(log, 15));
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BrokerStartException("interrupted while waiting for the Kafka broker", e);
                } catch (Exception notYet) {
                    sleep(200);
                }
            }
        }
        throw new BrokerStartException("the Kafka broker (" + bootstrap + ") did not answer within "
                + timeout.toSeconds() + " s; last lines of " + log + ":\n" + tail(log, 15));
    }

    private static Properties adminProps(String bootstrap, Properties clientProperties, Duration timeout) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        int ms = (int) Math.max(1000, timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(ms));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(ms));
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        return props;
    }

    /** The last {@code n} lines of a log file, or a note that it is missing. */
    public static String tail(Path file, int n) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log at " + file + ")";
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
}
