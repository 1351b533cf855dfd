package io.cmbench.cluster;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cmbench cluster start|status|stop}: a local Kafka broker and Flink standalone session cluster,
 * each its own JVM on 127.0.0.1 (see {@link LocalCluster}). Exit codes: 0 ok / up, 1 failure, 2 bad usage,
 * 3 (status) not up.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Start, inspect or stop a local Kafka broker + Flink session cluster (separate JVMs on 127.0.0.1).",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Status.class, ClusterCommand.Stop.class})
public final class ClusterCommand implements Callable<Integer> {
    public static final int EXIT_DOWN = 3;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "cluster: missing subcommand (start, status or stop)");
    }

    /** Shared {@code --dir}. */
    abstract static class DirOption {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", paramLabel = "DIR",
                description = "Cluster directory for config, logs, data and pid files (default: the checkout's .cmbench/cluster).")
        Path dir;

        Path dir() {
            return dir != null ? dir.toAbsolutePath().normalize() : ClusterSpec.defaultDir();
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        ParameterException bad(String option, String why, Object value) {
            return new ParameterException(spec.commandLine(), option + ": " + why + ", got '" + value + "'");
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start a Kafka broker (KRaft), a Flink JobManager and TaskManager(s); wait until all are ready.")
    static final class Start extends DirOption implements Callable<Integer> {
        private static final Pattern MEMORY = Pattern.compile("\\d+\\s*(k|kb|m|mb|g|gb)", Pattern.CASE_INSENSITIVE);

        @Option(names = "--taskmanagers", paramLabel = "N", defaultValue = "1",
                description = "TaskManager JVMs (default: ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(names = "--slots", paramLabel = "N", defaultValue = "2",
                description = "Task slots per TaskManager (default: ${DEFAULT-VALUE}).")
        int slots;

        @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
                description = "Kafka client port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = a free port).")
        int kafkaPort;

        @Option(names = "--rest-port", paramLabel = "PORT", defaultValue = "8081",
                description = "Flink REST API / web UI port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 = a free port).")
        int restPort;

        @Option(names = "--jobmanager-memory", paramLabel = "SIZE", defaultValue = "1024m",
                description = "JobManager process size (default: ${DEFAULT-VALUE}).")
        String jmMemory;

        @Option(names = "--taskmanager-memory", paramLabel = "SIZE", defaultValue = "1280m",
                description = "TaskManager process size (default: ${DEFAULT-VALUE}).")
        String tmMemory;

        @Option(names = "--sasl", description = "Require SASL/PLAIN on the broker (credentials generated unless --sasl-credentials).")
        boolean sasl;

        @Option(names = "--sasl-credentials", paramLabel = "FILE",
                description = "Properties file with username= and password= for the broker (implies --sasl).")
        Path saslCredentials;

        @Option(names = "--prometheus-ports", paramLabel = "RANGE", defaultValue = ClusterSpec.DEFAULT_PROMETHEUS_PORTS,
                description = "Port range of Flink's Prometheus reporter (default: ${DEFAULT-VALUE}).")
        String prometheusPorts;

        @Option(names = "--prometheus-bind-host", paramLabel = "ADDRESS",
                defaultValue = ClusterSpec.DEFAULT_PROMETHEUS_BIND_HOST,
                description = "Address the Prometheus reporter listens on (default: ${DEFAULT-VALUE}; 0.0.0.0 = all "
                        + "interfaces, e.g. for a Prometheus on another machine).")
        String prometheusBindHost;

        @Option(names = "--no-prometheus", description = "Do not start Flink's Prometheus reporter.")
        boolean noPrometheus;

        @Override
        public Integer call() {
            validate();
            ClusterSpec cs = ClusterSpec.defaults(dir())
                    .withKafkaPort(kafkaPort).withRestPort(restPort)
                    .withTaskManagers(taskManagers, slots)
                    .withMemory(jmMemory.strip(), tmMemory.strip())
                    .withSasl(sasl || saslCredentials != null, saslCredentials)
                    .withPrometheusPorts(noPrometheus ? null : prometheusPorts.strip())
                    .withPrometheusBindHost(prometheusBindHost.strip());
            out().println("cmbench cluster: starting in " + cs.dir() + " ...");
            out().flush();
            LocalCluster c;
            try {
                c = LocalCluster.start(cs);
            } catch (ClusterStartException | IllegalStateException | IllegalArgumentException e) {
                err().println("cmbench: cluster start failed: " + e.getMessage());
                return 1;
            }
            LocalCluster.StartTimings t = c.startTimings();
            out().printf("cmbench cluster: up in %.1f s (JobManager %.1f s, %d TaskManager(s) registered %.1f s, Kafka %.1f s)%n",
                    secs(t.total()), secs(t.jobManagerReady()), taskManagers, secs(t.taskManagersRegistered()),
                    secs(t.kafkaReady()));
            out().println("  Kafka        " + c.bootstrapServers() + (c.sasl() ? "  SASL_PLAINTEXT/PLAIN" : "  PLAINTEXT"));
            c.clientPropertiesFile().ifPresent(f -> out().println(
                    "               client properties (password ****): " + f));
            out().println("  Flink        http://" + c.restAddress() + "  (web UI and REST; " + taskManagers
                    + " TaskManager(s) x " + slots + " slots)");
            if (!noPrometheus) {
                String host = prometheusBindHost.strip();
                out().println("  Prometheus   ports " + prometheusPorts + " on "
                        + (host.equals("0.0.0.0") || host.equals("::") ? "ALL interfaces" : host) + " (/metrics)");
            }
            out().println("  logs         " + c.logDir());
            out().println("Next: ./cmbench run --cluster " + c.restAddress() + " --bootstrap " + c.bootstrapServers()
                    + c.clientPropertiesFile().map(f -> " --client-properties " + f).orElse(""));
            out().println("Stop: ./cmbench cluster stop" + (dir != null ? " --dir " + dir() : ""));
            return 0;
        }

        private void validate() {
            if (taskManagers < 1 || taskManagers > 16) {
                throw bad("--taskmanagers", "must be between 1 and 16", taskManagers);
            }
            if (slots < 1 || slots > 64) {
                throw bad("--slots", "must be between 1 and 64", slots);
            }
            if (kafkaPort < 0 || kafkaPort > 65535) {
                throw bad("--kafka-port", "must be a port between 1 and 65535 (or 0)", kafkaPort);
            }
            if (restPort < 0 || restPort > 65535) {
                throw bad("--rest-port", "must be a port between 1 and 65535 (or 0)", restPort);
            }
            if (kafkaPort != 0 && kafkaPort == restPort) {
                throw bad("--rest-port", "must differ from --kafka-port", restPort);
            }
            if (!MEMORY.matcher(jmMemory.strip()).matches()) {
                throw bad("--jobmanager-memory", "must be a size like 1024m or 2g", jmMemory);
            }
            if (!MEMORY.matcher(tmMemory.strip()).matches()) {
                throw bad("--taskmanager-memory", "must be a size like 1280m or 2g", tmMemory);
            }
            if (!noPrometheus && !prometheusPorts.strip().matches("\\d{1,5}(-\\d{1,5})?")) {
                throw bad("--prometheus-ports", "must be a port or a range like 9249-9259", prometheusPorts);
            }
            if (!noPrometheus && !isLocalAddress(prometheusBindHost.strip())) {
                throw bad("--prometheus-bind-host", "must be an address of this machine (127.0.0.1, 0.0.0.0, ...)",
                        prometheusBindHost);
            }
            if (saslCredentials != null && !Files.isRegularFile(saslCredentials)) {
                throw bad("--sasl-credentials", "no such file", saslCredentials);
            }
        }

        /** A wildcard address, or one a local interface has (what a server socket can bind). */
        private static boolean isLocalAddress(String host) {
            if (host.isEmpty()) {
                return false;
            }
            try {
                InetAddress a = InetAddress.getByName(host);
                return a.isAnyLocalAddress() || a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null;
            } catch (IOException e) {
                return false;
            }
        }

        private static double secs(java.time.Duration d) {
            return d.toMillis() / 1000.0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Processes, ports, TaskManagers, slots and running jobs. Exit code 0 if up, 3 if not.")
    static final class Status extends DirOption implements Callable<Integer> {
        @Override
        public Integer call() {
            ClusterStatus s = LocalCluster.status(dir());
            out().println(s.render());
            return s.up() ? 0 : EXIT_DOWN;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop every process of the cluster (TaskManagers, JobManager, broker). Idempotent.")
    static final class Stop extends DirOption implements Callable<Integer> {
        @Override
        public Integer call() {
            long t0 = System.nanoTime();
            List<String> stopped = LocalCluster.stop(dir());
            if (stopped.isEmpty()) {
                out().println("cmbench cluster: nothing running in " + dir());
            } else {
                out().printf("cmbench cluster: stopped %s in %.1f s%n", String.join(", ", stopped),
                        (System.nanoTime() - t0) / 1e9);
            }
            return 0;
        }
    }
}
