package io.cmbench.cluster;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link LocalCluster#start} starts.
 *
 * @param dir               the cluster directory (config, logs, data, pid files)
 * @param kafkaPort         the broker's client port on 127.0.0.1 (0 = a free port)
 * @param restPort          Flink's REST/web UI port on 127.0.0.1 (0 = a free port)
 * @param rpcPort           the JobManager's RPC port on 127.0.0.1 (0 = a free port)
 * @param taskManagers      TaskManager JVMs to start (each registers as {@code taskmanager-N})
 * @param slots             task slots per TaskManager
 * @param jobManagerMemory  {@code jobmanager.memory.process.size}, e.g. {@code 1024m}
 * @param taskManagerMemory {@code taskmanager.memory.process.size}, e.g. {@code 1280m}
 * @param sasl              SASL/PLAIN on the broker (credentials from {@code saslCredentials}, or generated)
 * @param saslCredentials   a properties file with {@code username}/{@code password}, or null
 * @param prometheusPorts   the Prometheus reporter's port range (e.g. {@code 9249-9259}), or null for none
 * @param prometheusBindHost the address the Prometheus reporter listens on ({@code 127.0.0.1}; {@code 0.0.0.0} = all
 *                          interfaces)
 * @param startTimeout      bound on each wait (broker answers, REST answers, TaskManagers registered)
 * @param home              the cmbench checkout holding {@code cluster/target/flink-lib}; null = {@link CmbenchHome#locate()}
 */
public record ClusterSpec(Path dir, int kafkaPort, int restPort, int rpcPort, int taskManagers, int slots,
                          String jobManagerMemory, String taskManagerMemory, boolean sasl, Path saslCredentials,
                          String prometheusPorts, String prometheusBindHost, Duration startTimeout, Path home) {

    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_REST_PORT = 8081;
    public static final String DEFAULT_PROMETHEUS_PORTS = "9249-9259";
    public static final String DEFAULT_PROMETHEUS_BIND_HOST = "127.0.0.1";

    /** Kafka 9092, REST 8081, 1 TaskManager with 2 slots, 1024m/1280m, Prometheus 9249-9259 on 127.0.0.1, no SASL. */
    public static ClusterSpec defaults(Path dir) {
        return new ClusterSpec(dir, DEFAULT_KAFKA_PORT, DEFAULT_REST_PORT, 0, 1, 2, "1024m", "1280m", false, null,
                DEFAULT_PROMETHEUS_PORTS, DEFAULT_PROMETHEUS_BIND_HOST, Duration.ofSeconds(120), null);
    }

    /** {@link #defaults} with every port free-chosen: for tests that run next to other clusters. */
    public static ClusterSpec ephemeral(Path dir) {
        return defaults(dir).withKafkaPort(0).withRestPort(0);
    }

    /** The default directory: {@code .cmbench/cluster} in the cmbench checkout. */
    public static Path defaultDir() {
        return CmbenchHome.find().orElse(Path.of("").toAbsolutePath()).resolve(".cmbench").resolve("cluster");
    }

    public ClusterSpec withDir(Path d) {
        return new ClusterSpec(d, kafkaPort, restPort, rpcPort, taskManagers, slots, jobManagerMemory, taskManagerMemory,
                sasl, saslCredentials, prometheusPorts, prometheusBindHost, startTimeout, home);
    }

    public ClusterSpec withKafkaPort(int p) {
        return new ClusterSpec(dir, p, restPort, rpcPort, taskManagers, slots, jobManagerMemory, taskManagerMemory,
                sasl, saslCredentials, prometheusPorts, prometheusBindHost, startTimeout, home);
    }

    public ClusterSpec withRestPort(int p) {
        return new ClusterSpec(dir, kafkaPort, p, rpcPort, taskManagers, slots, jobManagerMemory, taskManagerMemory,
                sasl, saslCredentials, prometheusPorts, prometheusBindHost, startTimeout, home);
    }

    public ClusterSpec withRpcPort(int p) {
        return new ClusterSpec(dir, kafkaPort, restPort, p, taskManagers, slots, jobManagerMemory, taskManagerMemory,
                sasl, saslCredentials, prometheusPorts, prometheusBindHost, startTimeout, home);
    }

    public ClusterSpec withTaskManagers(int n, int slotsEach) {
        return new ClusterSpec(dir, kafkaPort, restPort, rpcPort, n, slotsEach, jobManagerMemory, taskManagerMemory,
                sasl, saslCredentials, prometheusPorts, prometheusBindHost, startTimeout, home);
    }

    public ClusterSpec withMemory(String jobManager, String taskManager) {
        return new ClusterSpec(dir, kafkaPort, restPort, rpcPort, taskManagers, slots, jobManager, taskManager,
                sasl, saslCredentials, prometheusPorts, prometheusBindHost, startTimeout, home);
    }

    /** SASL/PLAIN on the broker; {@code credentialsFile} null = generated credentials. */
    public ClusterSpec withSasl(boolean on, Path credentialsFile) {
        return new ClusterSpec(dir, kafkaPort, restPort, rpcPort, taskManagers, slots, jobManagerMemory,
                taskManagerMemory, on, credentialsFile, prometheusPorts, prometheusBindHost, startTimeout, home);
    }

    public ClusterSpec withPrometheusPorts(String range) {
        return new ClusterSpec(dir, kafkaPort, restPort, rpcPort, taskManagers, slots, jobManagerMemory,
                taskManagerMemory, sasl, saslCredentials, range, prometheusBindHost, startTimeout, home);
    }

    /** The address the Prometheus reporters listen on: {@code 127.0.0.1} by default, {@code 0.0.0.0} for all. */
    public ClusterSpec withPrometheusBindHost(String host) {
        return new ClusterSpec(dir, kafkaPort, restPort, rpcPort, taskManagers, slots, jobManagerMemory,
                taskManagerMemory, sasl, saslCredentials, prometheusPorts, host, startTimeout, home);
    }

    public ClusterSpec withStartTimeout(Duration t) {
        return new ClusterSpec(dir, kafkaPort, restPort, rpcPort, taskManagers, slots, jobManagerMemory,
                taskManagerMemory, sasl, saslCredentials, prometheusPorts, prometheusBindHost, t, home);
    }

    public ClusterSpec withHome(Path h) {
        return new ClusterSpec(dir, kafkaPort, restPort, rpcPort, taskManagers, slots, jobManagerMemory,
                taskManagerMemory, sasl, saslCredentials, prometheusPorts, prometheusBindHost, startTimeout, h);
    }
}
