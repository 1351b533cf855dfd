package io.cmbench.cluster;

import static io.cmbench.cluster.LocalCluster.JOB_MANAGER;
import static io.cmbench.cluster.LocalCluster.KAFKA;

import io.cmbench.cluster.kafka.KafkaBrokerSetup;
import io.cmbench.cluster.process.ClusterProcesses;
import io.cmbench.cluster.rest.FlinkRestClient;
import io.cmbench.cluster.rest.FlinkRestClient.TaskManagerInfo;
import io.cmbench.cluster.rest.FlinkRestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Asks a cluster how it is: which of its JVMs live, whether the broker and the REST API answer, what Flink reports and
 * where the Prometheus reporters listen. Every probe is short and a component that does not answer is reported as
 * such, never thrown: status must work on a cluster that is half down.
 */
final class ClusterStatusProbe {
    private static final Pattern PROM_PORT = Pattern.compile("Started PrometheusReporter HTTP server on port (\\d+)");

    private ClusterStatusProbe() {}

    static ClusterStatus probe(LocalCluster cluster, ClusterProcesses procs) {
        Map<String, ProcessHandle> running = procs.running();
        List<ClusterStatus.ProcessState> processes = new ArrayList<>();
        Set<String> roles = new TreeSet<>(Comparator.comparingInt(ClusterStatusProbe::roleOrder).thenComparing(r -> r));
        roles.addAll(running.keySet());
        roles.addAll(procs.recordedRoles());
        for (String role : roles) {
            ProcessHandle h = running.get(role);
            long pid = h != null ? h.pid() : procs.readPid(role).orElse(-1L);
            processes.add(new ClusterStatus.ProcessState(role, pid, h != null));
        }
        boolean kafkaAnswers = running.containsKey(KAFKA)
                && KafkaBrokerSetup.answers(cluster.bootstrapServers(), cluster.clientProperties(), Duration.ofSeconds(5));
        FlinkRestClient rest = new FlinkRestClient(URI.create("http://" + cluster.restAddress()), Duration.ofSeconds(5));
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
            cluster.prometheusPort(role).ifPresent(p -> prom.put(role, p));
        }
        return new ClusterStatus(cluster.dir(), true, processes, cluster.bootstrapServers(), cluster.sasl(), kafkaAnswers,
                "http://" + cluster.restAddress(), overview, tms, jobs, prom, cluster.prometheusBindHost(),
                cluster.clientPropertiesFile().orElse(null));
    }

    /** The port a Prometheus reporter reported in {@code log} (the last one, after restarts), if it started one. */
    static OptionalInt prometheusPort(Path log) {
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

    /** Status lists the broker, then the JobManager, then the TaskManagers. */
    private static int roleOrder(String role) {
        return KAFKA.equals(role) ? 0 : JOB_MANAGER.equals(role) ? 1 : 2;
    }
}
