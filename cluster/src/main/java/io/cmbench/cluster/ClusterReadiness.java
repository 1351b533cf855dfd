package io.cmbench.cluster;

import static io.cmbench.cluster.LocalCluster.JOB_MANAGER;

import io.cmbench.cluster.kafka.KafkaBrokerSetup;
import io.cmbench.cluster.process.ClusterProcesses;
import io.cmbench.cluster.rest.FlinkRestClient;
import io.cmbench.cluster.rest.FlinkRestClient.TaskManagerInfo;
import io.cmbench.cluster.rest.FlinkRestException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Waits until the Flink side of a starting cluster can take a job: the JobManager's REST API answers, then every
 * TaskManager is registered with its slots reported. A JVM that exits or a wait past the start timeout fails the start
 * at once, with the tail of that JVM's log.
 */
final class ClusterReadiness {
    private final ClusterDirectory dir;
    private final ClusterProcesses procs;
    private final ClusterState state;
    private final Duration timeout;

    ClusterReadiness(ClusterDirectory dir, ClusterProcesses procs, ClusterState state, Duration timeout) {
        this.dir = dir;
        this.procs = procs;
        this.state = state;
        this.timeout = timeout;
    }

    void awaitRest() {
        String restAddress = state.restAddress();
        FlinkRestClient rest = new FlinkRestClient(URI.create("http://" + restAddress), Duration.ofSeconds(2));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!rest.isUp(Duration.ofSeconds(2))) {
            if (procs.find(JOB_MANAGER).isEmpty()) {
                throw new ClusterStartException("the Flink JobManager exited during start-up; " + logTail(JOB_MANAGER));
            }
            if (System.nanoTime() > deadline) {
                throw new ClusterStartException("the Flink REST API at http://" + restAddress + " did not answer within "
                        + timeout.toSeconds() + " s; " + logTail(JOB_MANAGER));
            }
            sleep(200);
        }
    }

    void awaitRegistered(List<String> roles) {
        FlinkRestClient rest = new FlinkRestClient(URI.create("http://" + state.restAddress()), Duration.ofSeconds(5));
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
            return rest.overview().slotsTotal() >= taskManagers * state.slots();
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
        Path log = dir.logs().resolve(role + ".log");
        Path out = dir.logs().resolve(role + ".out");
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

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStartException("interrupted while starting the cluster", e);
        }
    }
}
