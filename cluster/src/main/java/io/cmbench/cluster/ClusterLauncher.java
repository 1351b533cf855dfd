package io.cmbench.cluster;

import static io.cmbench.cluster.LocalCluster.JOB_MANAGER;
import static io.cmbench.cluster.LocalCluster.KAFKA;
import static io.cmbench.cluster.LocalCluster.TASK_MANAGER_PREFIX;

import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import io.cmbench.cluster.kafka.KafkaBrokerSetup;
import io.cmbench.cluster.process.ClusterProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Launches the cluster's JVMs one role at a time: the broker (formatting its storage on the first start, then waiting
 * until it answers), the JobManager, a TaskManager (its index recorded so that none is ever reused). A start that fails
 * elsewhere {@link #abort}s a broker launch still in flight, so it does not outlive the start.
 */
final class ClusterLauncher {
    private final ClusterDirectory dir;
    private final ClusterProcesses procs;
    private final ClusterState state;
    private final Duration timeout;
    private final Supplier<Properties> clientProperties;
    private final AtomicBoolean aborted = new AtomicBoolean();

    ClusterLauncher(ClusterDirectory dir, ClusterProcesses procs, ClusterState state, Duration timeout,
                    Supplier<Properties> clientProperties) {
        this.dir = dir;
        this.procs = procs;
        this.state = state;
        this.timeout = timeout;
        this.clientProperties = clientProperties;
    }

    /** Makes a broker launch in flight give up (at its next check) instead of waiting for its broker. */
    void abort() {
        aborted.set(true);
    }

    /** Starts the broker on its recorded port and waits until it answers; {@code format}: first start of its storage. */
    void launchKafka(boolean format) {
        Path kdir = dir.kafka();
        if (format) {
            KafkaBrokerSetup.formatIfNeeded(kdir, dir.kafkaClassPath());
        }
        if (aborted.get()) {
            throw new ClusterStartException("start aborted");
        }
        int port = state.kafkaPort();
        if (!LoopbackPorts.isFree(port)) {
            throw new ClusterStartException("--kafka-port " + port + ": port already in use on 127.0.0.1");
        }
        List<String> cmd = KafkaBrokerSetup.command(kdir, dir.kafkaClassPath(), procs.markers(KAFKA), "kafka.Kafka",
                KafkaBrokerSetup.config(kdir).toAbsolutePath().toString());
        Path log = dir.logs().resolve("kafka.log");
        ProcessHandle h = procs.launch(KAFKA, cmd, log);
        try {
            KafkaBrokerSetup.awaitReady(state.bootstrapServers(), clientProperties.get(), () -> h.isAlive() && !aborted.get(),
                    timeout, log);
        } catch (EmbeddedKafkaBroker.BrokerStartException e) {
            throw new ClusterStartException(e.getMessage(), e);
        }
    }

    void launchJobManager(FlinkSetup.ResourceParams params) {
        List<String> cmd = FlinkSetup.command(dir.path(), dir.flinkClassPath(), JOB_MANAGER, params,
                procs.markers(JOB_MANAGER), FlinkSetup.JOB_MANAGER_MAIN, List.of());
        procs.launch(JOB_MANAGER, cmd, dir.logs().resolve(JOB_MANAGER + ".out"));
    }

    /** Starts the TaskManager {@code role} ({@code taskmanager-N}, also its Flink resource id); returns the role. */
    String launchTaskManager(String role) {
        FlinkSetup.ResourceParams params = FlinkSetup.storedParams(dir.path(), false);
        if (params == null) {
            params = FlinkSetup.computeParams(dir.path(), dir.flinkClassPath(), false);
        }
        List<String> cmd = FlinkSetup.command(dir.path(), dir.flinkClassPath(), role, params, procs.markers(role),
                FlinkSetup.TASK_MANAGER_MAIN, List.of("taskmanager.resource-id=" + role));
        procs.launch(role, cmd, dir.logs().resolve(role + ".out"));
        state.recordTaskManagerLaunched(LocalCluster.tmIndex(role));
        return role;
    }

    /** The role of one more TaskManager: above every index running, recorded or ever launched. */
    String nextTaskManagerRole() {
        Set<Integer> used = new TreeSet<>();
        procs.recordedRoles().stream().filter(r -> r.startsWith(TASK_MANAGER_PREFIX))
                .forEach(r -> used.add(LocalCluster.tmIndex(r)));
        procs.running().keySet().stream().filter(r -> r.startsWith(TASK_MANAGER_PREFIX))
                .forEach(r -> used.add(LocalCluster.tmIndex(r)));
        // Never reuse an index: the JobManager may still list a killed TaskManager under its id.
        used.add(state.launchedTaskManagers());
        int next = used.stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        return TASK_MANAGER_PREFIX + next;
    }
}
