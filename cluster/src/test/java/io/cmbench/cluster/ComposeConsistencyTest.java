package io.cmbench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * There is no Docker engine on the build machines, so docker/docker-compose.yml is checked for consistency
 * instead: mounted host paths exist (or are documented build outputs), service names and ports referenced by
 * the configs (Prometheus targets, Grafana datasource, Flink's jobmanager address, Kafka bootstrap) agree
 * with the compose file, and the images match the versions of the parent pom.
 */
class ComposeConsistencyTest {
    /** Host paths that are build outputs, not files in the repository; each is named in docker/README.md. */
    static final List<String> BUILD_OUTPUTS = List.of("jobs/target/cmbench-jobs-0.1.0-SNAPSHOT-job.jar");

    static Path repo;
    static Path docker;
    static Map<String, Map<String, Object>> services;
    static Map<String, String> pom;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        repo = TestSupport.repoRoot();
        docker = repo.resolve("docker");
        Map<String, Object> compose = yaml(Files.readString(docker.resolve("docker-compose.yml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
        pom = parentPom();
    }

    @Test
    void everyMountedHostPathExistsOrIsADocumentedBuildOutput() throws IOException {
        String readme = Files.readString(docker.resolve("README.md"));
        List<String> checked = new ArrayList<>();
        services.forEach((name, svc) -> {
            for (String host : hostMounts(svc)) {
                Path p = docker.resolve(host).normalize();
                String rel = repo.relativize(p).toString();
                assertThat(p.startsWith(repo)).as(name + ": " + host + " stays inside the repository").isTrue();
                if (BUILD_OUTPUTS.contains(rel)) {
                    assertThat(readme).as("docker/README.md names the build output " + rel).contains(rel);
                } else {
                    assertThat(p).as(name + " mounts " + host).exists();
                }
                checked.add(rel);
            }
        });
        assertThat(checked).contains("docker/prometheus/prometheus.yml", "docker/grafana/provisioning", "dashboards",
                BUILD_OUTPUTS.get(0), "docker/submitter/submit.sh");
        assertThat(BUILD_OUTPUTS.get(0)).contains(pom.get("version"));
    }

    @Test
    void imagesMatchTheProjectVersions() {
        String flink = pom.get("flink.version");
        for (String s : List.of("jobmanager", "taskmanager", "job-submitter")) {
            String image = (String) services.get(s).get("image");
            assertThat(image).as(s).startsWith("flink:" + flink + "-").contains("java17");
        }
        services.forEach((name, svc) -> {
            String image = String.valueOf(svc.get("image"));
            if (image.startsWith("flink:")) {
                assertThat(image).as(name).isEqualTo(services.get("jobmanager").get("image"));
            }
            if (image.startsWith("apache/kafka")) {
                assertThat(image).as(name).isEqualTo("apache/kafka:" + pom.get("kafka.version"));
            }
        });
    }

    @Test
    void flinkProcessesFindTheJobManagerAndExposeThePrometheusPort() {
        for (String s : List.of("jobmanager", "taskmanager")) {
            Properties flink = flinkProperties(s);
            assertThat(flink.getProperty("jobmanager.rpc.address")).as(s).isEqualTo("jobmanager");
            assertThat(services).containsKey(flink.getProperty("jobmanager.rpc.address"));
            assertThat(flink.getProperty("metrics.reporter.prom.factory.class"))
                    .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            assertThat(flink.getProperty("metrics.reporter.prom.port")).isEqualTo("9249");
        }
        assertThat(flinkProperties("jobmanager").getProperty("rest.port")).isEqualTo("8081");
        assertThat(published("jobmanager")).containsEntry(8081, "127.0.0.1:8081");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesFlinkServicesOnTheReporterPort() throws IOException {
        Map<String, Object> prom = yaml(Files.readString(docker.resolve("prometheus/prometheus.yml")));
        List<String> targets = new ArrayList<>();
        for (Map<String, Object> job : (List<Map<String, Object>>) prom.get("scrape_configs")) {
            for (Map<String, Object> sc : (List<Map<String, Object>>) job.getOrDefault("static_configs", List.of())) {
                targets.addAll((List<String>) sc.get("targets"));
            }
            for (Map<String, Object> dns : (List<Map<String, Object>>) job.getOrDefault("dns_sd_configs", List.of())) {
                for (String n : (List<String>) dns.get("names")) {
                    targets.add(n + ":" + dns.get("port"));
                }
            }
        }
        assertThat(targets).containsExactlyInAnyOrder("jobmanager:9249", "taskmanager:9249");
        for (String t : targets) {
            String host = t.substring(0, t.indexOf(':'));
            String port = t.substring(t.indexOf(':') + 1);
            assertThat(services).as("Prometheus target " + t).containsKey(host);
            assertThat(flinkProperties(host).getProperty("metrics.reporter.prom.port")).as(t).isEqualTo(port);
        }
        List<String> cmd = (List<String>) services.get("prometheus").get("command");
        assertThat(cmd).contains("--config.file=/etc/prometheus/prometheus.yml", "--web.listen-address=0.0.0.0:9090");
        assertThat(containerMount("prometheus", "./prometheus/prometheus.yml")).isEqualTo("/etc/prometheus/prometheus.yml");
    }

    @Test
    @SuppressWarnings("unchecked")
    void grafanaIsProvisionedWithThePrometheusDatasourceAndTheDashboards() throws IOException {
        Map<String, Object> ds = yaml(Files.readString(
                docker.resolve("grafana/provisioning/datasources/prometheus.yml")));
        Map<String, Object> source = ((List<Map<String, Object>>) ds.get("datasources")).get(0);
        assertThat(source.get("type")).isEqualTo("prometheus");
        URI url = URI.create((String) source.get("url"));
        assertThat(services).as("datasource host").containsKey(url.getHost());
        assertThat(url.getHost()).isEqualTo("prometheus");
        assertThat(url.getPort()).isEqualTo(9090);
        assertThat(published("prometheus")).containsKey(9090);

        Map<String, Object> dash = yaml(Files.readString(
                docker.resolve("grafana/provisioning/dashboards/cmbench.yml")));
        Map<String, Object> provider = ((List<Map<String, Object>>) dash.get("providers")).get(0);
        String path = (String) ((Map<String, Object>) provider.get("options")).get("path");
        assertThat(containerMount("grafana", "../dashboards")).isEqualTo(path);
        assertThat(containerMount("grafana", "./grafana/provisioning")).isEqualTo("/etc/grafana/provisioning");
    }

    @Test
    void kafkaBootstrapAndQuorumNameTheKafkaService() throws IOException {
        Map<String, String> env = env("kafka");
        assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).contains("PLAINTEXT://kafka:9092");
        assertThat(env.get("KAFKA_LISTENERS")).contains("PLAINTEXT://0.0.0.0:9092");
        assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).isEqualTo("1@kafka:9093");
        assertThat(env.get("KAFKA_LOG_RETENTION_MS")).isEqualTo("-1");
        assertThat(env.get("CLUSTER_ID")).matches("[A-Za-z0-9_][A-Za-z0-9_-]{21}");
        // The host listener is advertised as the published port.
        Matcher host = Pattern.compile("HOST://127\\.0\\.0\\.1:(\\d+)").matcher(env.get("KAFKA_ADVERTISED_LISTENERS"));
        assertThat(host.find()).isTrue();
        assertThat(published("kafka")).containsEntry(Integer.parseInt(host.group(1)), "127.0.0.1:" + host.group(1));

        Map<String, String> submitter = env("job-submitter");
        assertThat(submitter.get("KAFKA_BOOTSTRAP")).isEqualTo("kafka:9092");
        assertThat(submitter.get("JOBMANAGER_REST")).isEqualTo("jobmanager:8081");
        String init = String.valueOf(services.get("kafka-init").get("command"));
        assertThat(init).contains("--bootstrap-server kafka:9092");
        for (String topic : List.of("cmbench.requests", "cmbench.completions", "cmbench.steps", "cmbench.slo-windows",
                "cmbench.dead-letter")) {
            assertThat(init).contains(topic);
        }
        String script = Files.readString(docker.resolve("submitter/submit.sh"));
        assertThat(script).contains("io.cmbench.jobs.ServingEmulationJob", "io.cmbench.jobs.SloAnalyticsJob",
                "/opt/flink/usrlib/cmbench-jobs.jar");
        assertThat(containerMount("job-submitter", "../" + BUILD_OUTPUTS.get(0))).isEqualTo("/opt/flink/usrlib/cmbench-jobs.jar");
        for (String cls : List.of("ServingEmulationJob", "SloAnalyticsJob")) {
            assertThat(repo.resolve("jobs/src/main/java/io/cmbench/jobs/" + cls + ".java")).exists();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void dependenciesExistAndPublishedPortsAreLoopbackOnly() {
        services.forEach((name, svc) -> {
            Object deps = svc.get("depends_on");
            if (deps instanceof Map<?, ?> m) {
                assertThat(services.keySet()).as(name + " depends_on").containsAll((java.util.Set<String>) m.keySet());
            } else if (deps instanceof List<?> l) {
                assertThat(services.keySet()).as(name + " depends_on").containsAll((List<String>) l);
            }
            for (Object p : (List<Object>) svc.getOrDefault("ports", List.of())) {
                assertThat(String.valueOf(p)).as(name + " publishes on loopback only").startsWith("127.0.0.1:");
            }
        });
    }

    // ------------------------------------------------------------------ helpers

    @SuppressWarnings("unchecked")
    static List<String> hostMounts(Map<String, Object> svc) {
        List<String> out = new ArrayList<>();
        for (Object v : (List<Object>) svc.getOrDefault("volumes", List.of())) {
            String s = String.valueOf(v);
            String host = s.split(":")[0];
            if (host.startsWith(".") || host.startsWith("/")) {
                out.add(host);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static String containerMount(String service, String host) {
        for (Object v : (List<Object>) services.get(service).getOrDefault("volumes", List.of())) {
            String[] parts = String.valueOf(v).split(":");
            if (parts[0].equals(host)) {
                return parts[1];
            }
        }
        throw new AssertionError(service + " does not mount " + host);
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> env(String service) {
        Map<String, String> out = new LinkedHashMap<>();
        Object e = services.get(service).get("environment");
        if (e instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        }
        return out;
    }

    /** FLINK_PROPERTIES of a service, parsed as the Flink image does (key: value lines). */
    static Properties flinkProperties(String service) {
        Properties p = new Properties();
        String text = env(service).getOrDefault("FLINK_PROPERTIES", "");
        try {
            p.load(new StringReader(text.replaceAll("(?m)^([^:#\\s]+):\\s*", "$1=")));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return p;
    }

    /** Published ports of a service: container port → host binding ({@code 127.0.0.1:HOSTPORT}). */
    @SuppressWarnings("unchecked")
    static Map<Integer, String> published(String service) {
        Map<Integer, String> out = new LinkedHashMap<>();
        for (Object p : (List<Object>) services.get(service).getOrDefault("ports", List.of())) {
            String[] parts = String.valueOf(p).split(":");
            out.put(Integer.parseInt(parts[parts.length - 1]), parts[0] + ":" + parts[1]);
        }
        return out;
    }

    static Map<String, String> parentPom() throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(repo.resolve("pom.xml").toFile());
        Map<String, String> out = new LinkedHashMap<>();
        out.put("version", text(doc, "version"));
        for (String k : List.of("flink.version", "kafka.version")) {
            out.put(k, doc.getElementsByTagName(k).item(0).getTextContent().strip());
        }
        return out;
    }

    private static String text(Document doc, String tag) {
        // the project's own <version> is the first direct child named so
        var children = doc.getDocumentElement().getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (tag.equals(children.item(i).getNodeName())) {
                return children.item(i).getTextContent().strip();
            }
        }
        throw new AssertionError("no <" + tag + "> in the parent pom");
    }


    private static Map<String, Object> yaml(String text) throws java.io.IOException {
        return new YAMLMapper().readValue(text, new TypeReference<Map<String, Object>>() {});
    }
}
