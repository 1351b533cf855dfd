package io.cmbench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.cluster.kafka.KafkaTopicAdmin;
import io.cmbench.cluster.kafka.TopicReader;
import io.cmbench.cluster.rest.FlinkRestClient;
import io.cmbench.cluster.rest.FlinkRestClient.TaskManagerInfo;
import io.cmbench.cluster.rest.JobFailure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Tag;

/**
 * One real cluster for the whole class: a broker JVM, a JobManager JVM and one TaskManager JVM (2 slots), all
 * on free ports of 127.0.0.1. The last test stops it through the CLI and checks nothing is left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("integration")
class LocalClusterTest {
    private Path dir;
    private LocalCluster cluster;
    private final List<Long> pids = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        dir = TestSupport.clusterDir("local");
        cluster = LocalCluster.start(ClusterSpec.ephemeral(dir).withStartTimeout(Duration.ofSeconds(120)));
        LocalCluster.StartTimings t = cluster.startTimings();
        String line = String.format("LocalClusterTest start: total %d ms, JobManager REST %d ms, TaskManager registered %d ms,"
                        + " Kafka answers %d ms%n", t.total().toMillis(), t.jobManagerReady().toMillis(),
                t.taskManagersRegistered().toMillis(), t.kafkaReady().toMillis());
        System.out.print(line);
        Files.writeString(TestSupport.target().resolve("cluster-timings.txt"), line, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    @AfterAll
    void cleanup() {
        if (dir != null) {
            LocalCluster.stop(dir); // no-op when the last test stopped it already
        }
    }

    @Test
    @Order(1)
    void restShowsOneTaskManagerWithTwoSlots() {
        FlinkRestClient rest = cluster.rest();
        FlinkRestClient.ClusterOverview o = rest.overview();
        assertThat(o.taskManagers()).isEqualTo(1);
        assertThat(o.slotsTotal()).isEqualTo(2);
        assertThat(o.flinkVersion()).isEqualTo("2.2.1");
        assertThat(rest.taskManagers()).extracting(TaskManagerInfo::id).containsExactly("taskmanager-1");
        assertThat(cluster.taskManagers()).containsExactly("taskmanager-1");
        assertThat(cluster.restAddress()).startsWith("127.0.0.1:");
    }

    @Test
    @Order(2)
    void kafkaAnswersAndStatusReportsUp() {
        KafkaTopicAdmin.createTopics(cluster.bootstrapServers(), cluster.clientProperties(), List.of("smoke"), 2);
        produce("smoke", 5);
        assertThat(TopicReader.count(cluster.bootstrapServers(), cluster.clientProperties(), "smoke")).isEqualTo(5);

        Cli.Result r = Cli.run("status", "--dir", dir.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("cmbench cluster: UP", "kafka", "jobmanager", "taskmanager-1",
                "1 registered, slots 2 total", "running jobs    0", cluster.bootstrapServers());
    }

    @Test
    @Order(3)
    void everyProcessIsASeparateJvmWithAFlinkOnlyClassPath() {
        for (String role : List.of("kafka", "jobmanager", "taskmanager-1")) {
            ProcessHandle h = cluster.process(role).orElseThrow();
            pids.add(h.pid());
            String cmd = String.join(" ", h.info().arguments().orElseThrow());
            if (!role.equals("kafka")) {
                assertThat(cmd).contains(dir.resolve("lib/flink") + "/*").doesNotContain("kafka_2.13");
            }
        }
        assertThat(pids).doesNotHaveDuplicates().doesNotContain(ProcessHandle.current().pid());
    }

    @Test
    @Order(3)
    void nothingListensBeyondLoopbackNotEvenThePrometheusReporters() throws Exception {
        for (String role : List.of("kafka", "jobmanager", "taskmanager-1")) {
            long pid = cluster.process(role).orElseThrow().pid();
            if (!role.equals("kafka")) {
                assertThat(cluster.prometheusPort(role)).as(role + " started its reporter").isPresent();
            }
            assertThat(ListeningSockets.nonLoopbackListenPorts(pid)).as(role).isEmpty();
        }
    }

    @Test
    @Order(3)
    void prometheusEndpointsAnswerOn127001AndNotOnTheOtherAddressesOfTheMachine() throws Exception {
        List<java.net.InetAddress> others = OtherLocalAddresses.reachableByAWildcardListener();
        System.out.println("LocalClusterTest: non-loopback addresses probed: " + others);
        for (String role : List.of("jobmanager", "taskmanager-1")) {
            int port = cluster.prometheusPort(role).orElseThrow();
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(role).isEqualTo(200);
            assertThat(r.body()).as(role).contains(role.equals("jobmanager") ? "flink_jobmanager_" : "flink_taskmanager_");
            // a listener on all interfaces (Flink's own reporter) would answer on each of these
            for (java.net.InetAddress a : others) {
                assertThat(OtherLocalAddresses.connects(a, port)).as(role + " reporter reachable on " + a).isFalse();
            }
        }
        assertThat(Files.readString(dir.resolve("conf/config.yaml")))
                .contains("metrics.reporter.prom.factory.class: io.cmbench.cluster.metrics.BoundPrometheusReporterFactory",
                        "metrics.reporter.prom.bind-host: '127.0.0.1'");
        assertThat(Cli.run("status", "--dir", dir.toString()).out()).contains("on 127.0.0.1 (/metrics)");
    }

    @Test
    @Order(4)
    void startingAgainInTheSameDirectoryIsRefused() {
        assertThatThrownBy(() -> LocalCluster.start(ClusterSpec.ephemeral(dir)))
                .isInstanceOf(ClusterStartException.class)
                .hasMessageContaining("already running in " + dir);
    }

    @Test
    @Order(5)
    void prometheusReporterServesMetrics() throws Exception {
        int port = cluster.prometheusPort("jobmanager").orElseThrow();
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("flink_jobmanager_");
    }

    @Test
    @Order(6)
    void submitsAJarRunsItAndReportsFailuresAndCancels() throws Exception {
        Path jar = TestSupport.jarOf("io/cmbench/cluster/testjob", "io.cmbench.cluster.testjob.TinyJob",
                TestSupport.target().resolve("tiny-job.jar"));
        FlinkRestClient rest = cluster.rest();
        long t0 = System.nanoTime();
        String jarId = rest.uploadJar(jar);
        assertThat(rest.listJars()).contains(jarId);

        String ok = rest.runJar(jarId, "io.cmbench.cluster.testjob.TinyJob", List.of("ok"), 2);
        assertThat(rest.awaitTermination(ok, Duration.ofSeconds(60))).isEqualTo("FINISHED");
        System.out.printf("LocalClusterTest: tiny job upload+run+finish %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(rest.failure(ok)).isEmpty();

        String failing = rest.runJar(jarId, null, List.of("fail"), 1);
        assertThat(rest.awaitTermination(failing, Duration.ofSeconds(60))).isEqualTo("FAILED");
        JobFailure f = rest.failure(failing).orElseThrow();
        assertThat(f.rootCause()).contains("IllegalStateException", "tiny job fails on purpose at record 500");

        String forever = rest.runJar(jarId, null, List.of("forever"), 1);
        rest.awaitAllTasksRunning(forever, Duration.ofSeconds(60));
        Cli.Result r = Cli.run("status", "--dir", dir.toString());
        assertThat(r.out()).contains("running jobs    1", forever, "cmbench-tiny-job-forever");
        rest.cancel(forever);
        assertThat(rest.awaitTermination(forever, Duration.ofSeconds(60))).isEqualTo("CANCELED");

        assertThat(rest.listJobs()).extracting(FlinkRestClient.JobSummary::id).contains(ok, failing, forever);
        assertThatThrownBy(() -> rest.runJar(jarId, "no.such.Main", List.of(), 1))
                .isInstanceOf(io.cmbench.cluster.rest.FlinkRestException.class)
                .hasMessageContaining("no.such.Main");
        rest.deleteJar(jarId);
    }

    @Test
    @Order(7)
    void aKilledTaskManagerIsReplacedByANewOne() {
        ProcessHandle tm1 = cluster.process("taskmanager-1").orElseThrow();
        cluster.killTaskManager("taskmanager-1");
        assertThat(tm1.isAlive()).isFalse();
        long t0 = System.nanoTime();
        String replacement = cluster.startTaskManager();
        System.out.printf("LocalClusterTest: replacement TaskManager registered in %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(replacement).isEqualTo("taskmanager-2");
        pids.add(cluster.process(replacement).orElseThrow().pid());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> ids;
        do {
            ids = cluster.rest().taskManagers().stream().map(TaskManagerInfo::id).toList();
        } while (!ids.equals(List.of("taskmanager-2")) && System.nanoTime() < deadline && sleep(500));
        assertThat(ids).as("the dead TaskManager is dropped after missed heartbeats").containsExactly("taskmanager-2");
        assertThat(cluster.taskManagers()).containsExactly("taskmanager-2");
    }

    @Test
    @Order(8)
    void theBrokerRestartsOnTheSamePortWithItsData() {
        KafkaTopicAdmin.createTopics(cluster.bootstrapServers(), cluster.clientProperties(), List.of("durable"), 1);
        produce("durable", 7);
        ProcessHandle before = cluster.process("kafka").orElseThrow();
        cluster.stopKafka();
        assertThat(before.isAlive()).isFalse();
        assertThat(LocalCluster.isFree(cluster.kafkaPort())).isTrue();
        assertThat(Cli.run("status", "--dir", dir.toString()).code()).isEqualTo(ClusterCommand.EXIT_DOWN);

        cluster.startKafka();
        pids.add(cluster.process("kafka").orElseThrow().pid());
        assertThat(TopicReader.count(cluster.bootstrapServers(), cluster.clientProperties(), "durable")).isEqualTo(7);
        assertThat(Cli.run("status", "--dir", dir.toString()).code()).isZero();
    }

    @Test
    @Order(9)
    void stopLeavesNoProcessAndFreesThePorts() throws Exception {
        ports.add(cluster.kafkaPort());
        ports.add(cluster.restPort());
        Properties state = new Properties();
        try (var r = Files.newBufferedReader(dir.resolve("cluster.properties"))) {
            state.load(r);
        }
        ports.add(Integer.parseInt(state.getProperty("rpc.port")));
        ports.add(Integer.parseInt(state.getProperty("kafka.controller.port")));

        long t0 = System.nanoTime();
        Cli.Result r = Cli.run("stop", "--dir", dir.toString());
        System.out.printf("LocalClusterTest: stop %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("stopped", "jobmanager", "kafka", "taskmanager-2");
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
        }
        assertThat(new io.cmbench.cluster.process.ClusterProcesses(dir).running()).isEmpty();
        for (int port : ports) {
            assertThat(LocalCluster.isFree(port)).as("port " + port + " free").isTrue();
        }
        Cli.Result again = Cli.run("stop", "--dir", dir.toString());
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("nothing running");
        Cli.Result status = Cli.run("status", "--dir", dir.toString());
        assertThat(status.code()).isEqualTo(ClusterCommand.EXIT_DOWN);
        assertThat(status.out()).contains("DOWN");
    }

    private void produce(String topic, int n) {
        Properties p = new Properties();
        p.putAll(cluster.clientProperties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
        }
    }

    private static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

}
