package io.cmbench.cluster;

import io.cmbench.cluster.rest.FlinkRestClient.ClusterOverview;
import io.cmbench.cluster.rest.FlinkRestClient.JobSummary;
import io.cmbench.cluster.rest.FlinkRestClient.TaskManagerInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code cmbench cluster status} reports.
 *
 * @param overview null when the REST API does not answer
 */
public record ClusterStatus(Path dir, boolean configured, List<ProcessState> processes, String bootstrapServers,
                            boolean sasl, boolean kafkaAnswers, String restUrl, ClusterOverview overview,
                            List<TaskManagerInfo> taskManagers, List<JobSummary> jobs,
                            Map<String, Integer> prometheusPorts, String prometheusBindHost, Path clientProperties) {

    /** One JVM of the cluster: its role, pid, and whether it is alive. */
    public record ProcessState(String role, long pid, boolean alive) {}

    static ClusterStatus notConfigured(Path dir) {
        return new ClusterStatus(dir, false, List.of(), null, false, false, null, null, List.of(), List.of(), Map.of(),
                null, null);
    }

    /** Up: the broker answers, the REST API answers, at least one TaskManager is registered, no JVM died. */
    public boolean up() {
        return configured && kafkaAnswers && overview != null && overview.taskManagers() >= 1
                && processes.stream().allMatch(ProcessState::alive);
    }

    /** Nothing of the cluster is running. */
    public boolean down() {
        return processes.stream().noneMatch(ProcessState::alive);
    }

    public List<JobSummary> runningJobs() {
        return jobs.stream().filter(j -> "RUNNING".equals(j.state()) || "RESTARTING".equals(j.state())
                || "CREATED".equals(j.state()) || "INITIALIZING".equals(j.state())).toList();
    }

    /** Human-readable report (no credentials in it). */
    public String render() {
        List<String> out = new ArrayList<>();
        if (!configured) {
            out.add("cmbench cluster: DOWN (no cluster was started in " + dir + ")");
            return String.join("\n", out);
        }
        out.add("cmbench cluster: " + (up() ? "UP" : down() ? "DOWN" : "DEGRADED") + " (" + dir + ")");
        if (processes.isEmpty()) {
            out.add("  no processes");
        }
        for (ProcessState p : processes) {
            out.add(String.format("  %-15s pid %-8s %s", p.role(), p.pid() < 0 ? "-" : String.valueOf(p.pid()),
                    p.alive() ? "running" : "NOT RUNNING"));
        }
        out.add(String.format("  Kafka           %s %s%s", bootstrapServers, sasl ? "(SASL_PLAINTEXT/PLAIN) " : "",
                kafkaAnswers ? "answers" : "does not answer"));
        if (clientProperties != null) {
            out.add("                  client properties: " + clientProperties);
        }
        if (overview == null) {
            out.add("  Flink REST      " + restUrl + " does not answer");
        } else {
            out.add("  Flink REST      " + restUrl + " (Flink " + overview.flinkVersion() + ")");
            out.add("  TaskManagers    " + overview.taskManagers() + " registered, slots " + overview.slotsTotal()
                    + " total / " + overview.slotsAvailable() + " free"
                    + (taskManagers.isEmpty() ? "" : " " + taskManagers.stream().map(TaskManagerInfo::id).toList()));
            List<JobSummary> running = runningJobs();
            out.add("  running jobs    " + running.size());
            for (JobSummary j : running) {
                out.add("                  " + j.id() + "  " + j.state() + "  " + j.name());
            }
        }
        if (!prometheusPorts.isEmpty()) {
            boolean all = "0.0.0.0".equals(prometheusBindHost) || "::".equals(prometheusBindHost);
            out.add("  Prometheus      " + prometheusPorts + " on " + (all ? "ALL interfaces" : prometheusBindHost)
                    + " (/metrics)");
        }
        return String.join("\n", out);
    }
}
