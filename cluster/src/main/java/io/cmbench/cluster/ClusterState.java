package io.cmbench.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code cluster.properties}: the ports and settings of a started cluster. {@code cmbench cluster status} and
 * {@code stop} run in other JVMs than {@code start}, so everything they need to find the cluster is written here, and
 * so is the highest TaskManager index ever launched (a replacement TaskManager must never reuse a killed one's id).
 */
final class ClusterState {
    static final String FILE = "cluster.properties";
    private static final String LAUNCHED = "taskmanagers.launched";

    private final Path dir;
    private final Properties props;

    private ClusterState(Path dir, Properties props) {
        this.dir = dir;
        this.props = props;
    }

    /** Records a cluster being started in {@code dir} with these ports and settings (the file is written at once). */
    static ClusterState create(Path dir, ClusterSpec spec, int kafkaPort, int controllerPort, int restPort, int rpcPort) {
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
        ClusterState s = new ClusterState(dir, state);
        s.write();
        return s;
    }

    /** The state recorded in {@code dir}, or empty when nothing was ever started there (or the file is unreadable). */
    static Optional<ClusterState> read(Path dir) {
        return load(dir).map(p -> new ClusterState(dir, p));
    }

    int kafkaPort() {
        return Integer.parseInt(props.getProperty("kafka.port"));
    }

    int restPort() {
        return Integer.parseInt(props.getProperty("rest.port"));
    }

    /** {@code 127.0.0.1:PORT} of the broker. */
    String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort();
    }

    /** {@code 127.0.0.1:PORT} of the Flink REST API. */
    String restAddress() {
        return "127.0.0.1:" + restPort();
    }

    int slots() {
        return Integer.parseInt(props.getProperty("slots"));
    }

    boolean sasl() {
        return Boolean.parseBoolean(props.getProperty("sasl"));
    }

    /** The start timeout the cluster was started with (120 s when the file predates the setting). */
    long timeoutSeconds() {
        return Long.parseLong(props.getProperty("timeout.seconds", "120"));
    }

    String prometheusBindHost() {
        // a cluster.properties of an older cmbench has no bind host: its reporters listened on all interfaces
        return props.getProperty("prometheus.bind-host", "0.0.0.0");
    }

    /** Notes that TaskManager {@code index} was launched (the highest index is kept), and rewrites the file. */
    void recordTaskManagerLaunched(int index) {
        synchronized (props) {
            int launched = Math.max(index, Integer.parseInt(props.getProperty(LAUNCHED, "0")));
            props.setProperty(LAUNCHED, String.valueOf(launched));
            write();
        }
    }

    /** The highest TaskManager index launched, as the file says now (another invocation may have launched one). */
    int launchedTaskManagers() {
        Properties current = load(dir).orElse(props);
        return Integer.parseInt(current.getProperty(LAUNCHED, "0"));
    }

    private void write() {
        try (Writer w = Files.newBufferedWriter(dir.resolve(FILE), StandardCharsets.UTF_8)) {
            props.store(w, "cmbench local cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Properties> load(Path dir) {
        Path f = dir.resolve(FILE);
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
}
