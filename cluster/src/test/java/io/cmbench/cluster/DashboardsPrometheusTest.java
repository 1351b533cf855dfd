package io.cmbench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import io.cmbench.cluster.kafka.KafkaTopicAdmin;
import io.cmbench.cluster.rest.FlinkRestClient;
import io.cmbench.loadgen.KafkaRequestPublisher;
import io.cmbench.loadgen.ProgressListener;
import io.cmbench.loadgen.PublishMode;
import io.cmbench.loadgen.RequestStream;
import io.cmbench.loadgen.WorkloadSpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * The Grafana dashboards of {@code dashboards/} against a REAL Prometheus (Debian's {@code /usr/bin/prometheus},
 * installed by {@code scripts/ensure-debian-package.sh}) scraping a real local cluster: a broker, a JobManager
 * and a TaskManager (2 slots) as separate JVMs, both jobs submitted unbounded from the shaded job jar, fed live by
 * the load generator. Every {@code expr} of every panel (and every variable's query) must return data, for every
 * scenario, SLO and job; a constant line ({@code vector(N)}, the published reference) must return N, and N must be the
 * figure of the published measurement row its panel names.
 *
 * <p>Never skips: a missing Prometheus or job jar is a failure with the reason.
 */
@Tag("integration")
class DashboardsPrometheusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> DASHBOARDS = List.of("pipeline-health.json", "slo-results.json");
    private static final List<String> TOPICS = List.of("cmbench.requests", "cmbench.completions", "cmbench.steps",
            "cmbench.slo-windows", "cmbench.dead-letter");
    private static final String EMULATION = "io.cmbench.jobs.ServingEmulationJob";
    private static final String ANALYTICS = "io.cmbench.jobs.SloAnalyticsJob";
    /** Grafana's built-in interval variables, as the test substitutes them. */
    private static final Map<String, String> BUILTINS = Map.of("__rate_interval", "30s", "__interval", "5s",
            "__range", "5m");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\[\\[(\\w+)]]|\\$(\\w+)");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*(\\w+)\\s*\\)\\s*$",
            Pattern.DOTALL);
    /** A constant line: the published reference drawn beside a measured series. */
    private static final Pattern CONSTANT = Pattern.compile("^\\s*vector\\(\\s*(\\d+(?:\\.\\d+)?)\\s*\\)\\s*$");
    /** How a panel with a constant line names the published row it comes from. */
    private static final Pattern MEASUREMENT_ROW = Pattern.compile("measurement row ([a-z0-9-]+)");
    /** The published rows the dashboards draw, in the model's measurements (the paper's headline results). */
    private static final Path MEASUREMENTS = Path.of("model/src/main/resources/cmbench/measurements/cloudmatrix384.yaml");

    // ================================================================= static checks (no cluster)

    /** Datasource uid of the provisioned Prometheus datasource (docker/grafana/provisioning/datasources). */
    static String provisionedDatasourceUid() throws IOException {
        Path file = TestSupport.repoRoot().resolve("docker/grafana/provisioning/datasources/prometheus.yml");
        Map<String, Object> doc = yaml(Files.readString(file));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sources = (List<Map<String, Object>>) doc.get("datasources");
        return sources.stream().filter(s -> "prometheus".equals(s.get("type"))).map(s -> (String) s.get("uid"))
                .findFirst().orElseThrow();
    }

    @Test
    void dashboardsAreWellFormedAndUseTheProvisionedDatasource() throws IOException {
        String uid = provisionedDatasourceUid();
        for (String name : DASHBOARDS) {
            JsonNode d = dashboard(name);
            assertThat(d.path("uid").asText()).as(name + " uid").isNotBlank();
            assertThat(d.path("title").asText()).as(name + " title").isNotBlank();
            assertThat(d.path("schemaVersion").asInt()).as(name + " schemaVersion").isBetween(36, 41);
            List<JsonNode> panels = panels(d);
            assertThat(panels).as(name + " panels").isNotEmpty();
            TreeSet<Integer> ids = new TreeSet<>();
            for (JsonNode p : panels) {
                String title = name + " / " + p.path("title").asText();
                assertThat(ids.add(p.path("id").asInt())).as(title + ": unique panel id").isTrue();
                if ("row".equals(p.path("type").asText())) {
                    continue;
                }
                assertThat(p.path("description").asText()).as(title + ": description").isNotBlank();
                assertThat(p.path("datasource").path("uid").asText()).as(title + ": datasource uid").isEqualTo(uid);
                assertThat(p.path("targets")).as(title + ": targets").isNotEmpty();
                for (JsonNode t : p.path("targets")) {
                    assertThat(t.path("expr").asText()).as(title + ": expr").isNotBlank();
                    assertThat(t.path("datasource").path("uid").asText(uid)).as(title + ": target datasource uid")
                            .isEqualTo(uid);
                }
            }
            for (JsonNode v : d.path("templating").path("list")) {
                if ("query".equals(v.path("type").asText())) {
                    assertThat(v.path("datasource").path("uid").asText()).as(name + " variable " + v.path("name"))
                            .isEqualTo(uid);
                }
            }
        }
    }

    /**
     * Every constant line ({@code vector(N)}) is a published figure: its panel names the measurement row, N is that
     * row's tokens/s per NPU, its legend says it is the paper's, and it is drawn dashed (an override of its refId).
     * The SLO dashboard draws the paper's three headline results.
     */
    @Test
    void constantLinesAreThePublishedFiguresOfTheRowsTheirPanelsName() throws IOException {
        Map<String, Double> published = publishedTokensPerSecPerNpu();
        TreeSet<String> drawn = new TreeSet<>();
        for (String name : DASHBOARDS) {
            for (JsonNode p : panels(dashboard(name))) {
                String title = name + " / " + p.path("title").asText();
                for (JsonNode t : p.path("targets")) {
                    Matcher c = CONSTANT.matcher(t.path("expr").asText());
                    if (!c.matches()) {
                        continue;
                    }
                    Matcher row = MEASUREMENT_ROW.matcher(p.path("description").asText());
                    assertThat(row.find()).as(title + ": the description names the measurement row of its constant line")
                            .isTrue();
                    String id = row.group(1);
                    assertThat(published).as(title + ": measurement row " + id).containsKey(id);
                    assertThat(Double.parseDouble(c.group(1))).as(title + ": constant line vs row " + id)
                            .isEqualTo(published.get(id));
                    assertThat(t.path("legendFormat").asText()).as(title + ": legend").startsWith("published (paper)");
                    String ref = t.path("refId").asText();
                    assertThat(p.path("fieldConfig").path("overrides").findValues("matcher"))
                            .as(title + ": an override styles the constant line " + ref)
                            .anyMatch(m -> "byFrameRefID".equals(m.path("id").asText())
                                    && ref.equals(m.path("options").asText()));
                    drawn.add(id);
                }
            }
        }
        assertThat(drawn).as("published rows drawn as constant lines").containsExactly("paper-decode-b8",
                "paper-decode-b96", "paper-prefill-perfect-eplb");
    }

    /** Measurement row id to its tokens/s per NPU: the figure stated beside a decode TPOT, else the row's value. */
    static Map<String, Double> publishedTokensPerSecPerNpu() throws IOException {
        Map<String, Object> doc = yaml(Files.readString(TestSupport.repoRoot().resolve(MEASUREMENTS)));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) doc.get("rows");
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            Object tps = r.get("tokens_per_s_per_npu");
            if (tps != null) {
                out.put((String) r.get("id"), ((Number) tps).doubleValue());
            } else if ("prefill_tokens_per_s_per_npu".equals(r.get("quantity"))) {
                out.put((String) r.get("id"), ((Number) r.get("value")).doubleValue());
            }
        }
        return out;
    }

    // ================================================================= the live check

    @Test
    void everyDashboardQueryReturnsDataFromARealPrometheusScrapingALocalCluster() throws Exception {
        long t0 = System.nanoTime();
        Path prometheusBin = Path.of(System.getProperty("cmbench.prometheus", "/usr/bin/prometheus"));
        assertThat(Files.isExecutable(prometheusBin))
                .as("Prometheus server %s is missing: scripts/ensure-debian-package.sh installs Debian's "
                        + "`prometheus` package (apt-get install -y --no-install-recommends prometheus)", prometheusBin)
                .isTrue();
        Path jobJar = TestSupport.repoRoot().resolve("jobs/target/cmbench-jobs-0.1.0-SNAPSHOT-job.jar");
        assertThat(jobJar).as("the shaded job jar; build it with `mvn -o -q -pl jobs package -DskipTests`").isRegularFile();
        List<Query> queries = queries();

        Path work = TestSupport.target().resolve("dashboards-test");
        deleteRecursively(work);
        Files.createDirectories(work);
        Path dir = TestSupport.clusterDir("dashboards");

        LocalCluster cluster = null;
        Process prometheus = null;
        Thread generator = null;
        KafkaRequestPublisher publisher = null;
        List<String> jobIds = new ArrayList<>();
        AtomicReference<Throwable> generatorFailure = new AtomicReference<>();
        StringBuilder timings = new StringBuilder();
        try {
            cluster = LocalCluster.start(ClusterSpec.ephemeral(dir).withTaskManagers(1, 2)
                    .withStartTimeout(Duration.ofSeconds(150)));
            timings.append(String.format("cluster up %.1f s%n", secondsSince(t0)));
            String bootstrap = cluster.bootstrapServers();
            Properties client = cluster.clientProperties();
            // One partition for the completions: their key is the scenario, and the analytics job's per-partition
            // watermark waits forever on a partition that never receives a record (one scenario here; with 2
            // partitions no window fires and the SLO gauges never appear).
            KafkaTopicAdmin.createTopics(bootstrap, client, List.of("cmbench.completions"), 1);
            KafkaTopicAdmin.createTopics(bootstrap, client, TOPICS, 2);

            // Both jobs unbounded, with checkpoints every 2 s (the checkpoint panel needs completed checkpoints).
            FlinkRestClient rest = cluster.rest();
            String jarId = rest.uploadJar(jobJar);
            Map<String, String> conf = Map.of("execution.checkpointing.interval", "2 s",
                    "execution.checkpointing.tolerable-failed-checkpoints", "100");
            jobIds.add(run(rest, jarId, EMULATION, List.of("--bootstrap", bootstrap, "--seed", "7"), conf));
            jobIds.add(run(rest, jarId, ANALYTICS, List.of("--bootstrap", bootstrap, "--window-micros", "1000000",
                    "--out-of-orderness-micros", "200000"), conf));
            for (String id : jobIds) {
                rest.awaitAllTasksRunning(id, Duration.ofSeconds(90));
            }
            timings.append(String.format("jobs running %.1f s%n", secondsSince(t0)));

            // The generator: live, 4 simulated seconds per wall second, 8 requests per simulated second.
            publisher = new KafkaRequestPublisher(bootstrap, "cmbench.requests", client);
            KafkaRequestPublisher pub = publisher;
            generator = new Thread(() -> {
                try {
                    pub.publish(new RequestStream(WorkloadSpec.poisson(8, 3_600_000_000L, 4096, 256), 7),
                            PublishMode.LIVE, 4.0, ProgressListener.none());
                } catch (Throwable e) {
                    if (!Thread.currentThread().isInterrupted() && !(e.getCause() instanceof InterruptedException)) {
                        generatorFailure.set(e);
                    }
                }
            }, "dashboards-test-generator");
            generator.setDaemon(true);
            generator.start();

            // Prometheus, scraping the reporter of the JobManager and of the TaskManager.
            Map<String, Integer> reporters = new LinkedHashMap<>();
            for (String role : List.of(LocalCluster.JOB_MANAGER, LocalCluster.TASK_MANAGER_PREFIX + "1")) {
                reporters.put(role, cluster.prometheusPort(role).orElseThrow(() ->
                        new AssertionError(role + " started no Prometheus reporter (see its log)")));
            }
            int promPort = EmbeddedKafkaBroker.freePort();
            prometheus = startPrometheus(prometheusBin, work, promPort, reporters);
            URI api = URI.create("http://127.0.0.1:" + promPort + "/api/v1/");
            awaitTargetsUp(prometheus, api, reporters.size(), work.resolve("prometheus.log"), Duration.ofSeconds(60));
            timings.append(String.format("prometheus targets up %.1f s%n", secondsSince(t0)));

            // Every query, until each has returned data once (or the deadline).
            Map<Query, String> pending = new LinkedHashMap<>();
            queries.forEach(q -> pending.put(q, "not run yet"));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                for (Query q : new ArrayList<>(pending.keySet())) {
                    String problem = check(api, q.promql(Map.of()), q.constant());
                    if (problem == null) {
                        pending.remove(q);
                    } else {
                        pending.put(q, problem);
                    }
                }
                if (generatorFailure.get() != null) {
                    throw new AssertionError("the load generator failed", generatorFailure.get());
                }
                for (String id : jobIds) {
                    String state = rest.jobState(id);
                    assertThat(FlinkRestClient.TERMINAL_STATES).as("job " + id + " is " + state
                            + rest.failure(id).map(f -> ": " + f.rootCause()).orElse("")).doesNotContain(state);
                }
                if (!pending.isEmpty()) {
                    Thread.sleep(2000);
                }
            }
            timings.append(String.format("all-values queries answered %.1f s%n", secondsSince(t0)));
            dumpMetricNames(api, reporters, work);
            assertThat(pending).as("dashboard queries without data (variables as their All value); metric names "
                    + "Prometheus holds: " + work.resolve("metric-names.txt")).isEmpty();

            // Once more for each value of each variable (found by the variable's own query), the others at All:
            // what a user picking one job, scenario or SLO sees.
            Map<String, List<String>> values = variableValues(api);
            assertThat(values).as("values of the dashboards' variables").containsKeys("job", "scenario", "slo");
            List<String> failures = new ArrayList<>();
            int checks = 0;
            for (Map.Entry<String, List<String>> v : values.entrySet()) {
                for (String value : v.getValue()) {
                    for (Query q : queries) {
                        if (q.panel().startsWith("variable ") || !q.uses(v.getKey())) {
                            continue;
                        }
                        checks++;
                        String problem = check(api, q.promql(Map.of(v.getKey(), value)), q.constant());
                        if (problem != null) {
                            failures.add(q + " with $" + v.getKey() + "=" + value + ": " + problem);
                        }
                    }
                }
            }
            assertThat(failures).as("dashboard queries without data for a real variable value").isEmpty();
            timings.append(String.format("variable values %s: %d more queries answered%n", values, checks));
            timings.append(String.format("done %.1f s (%d queries)%n", secondsSince(t0), queries.size()));
        } finally {
            if (generator != null) {
                generator.interrupt();
                generator.join(10_000);
            }
            if (publisher != null) {
                publisher.close();
            }
            if (cluster != null) {
                FlinkRestClient rest = cluster.rest();
                for (String id : jobIds) {
                    try {
                        rest.cancel(id);
                        rest.awaitTermination(id, Duration.ofSeconds(30));
                    } catch (RuntimeException e) {
                        // the cluster is stopped below anyway
                    }
                }
            }
            if (prometheus != null) {
                stop(prometheus);
            }
            LocalCluster.stop(dir);
            System.out.print("DashboardsPrometheusTest:\n" + timings);
            Files.writeString(work.resolve("timings.txt"), timings.toString());
        }
        assertThat(prometheus.isAlive()).isFalse();
    }

    // ================================================================= dashboards

    /** One expression of one panel (or a variable's query) of a dashboard. */
    record Query(String dashboard, String panel, String expr, Map<String, String> allValues) {
        /** The PromQL Prometheus gets: variables replaced by {@code chosen} values, else their All value. */
        String promql(Map<String, String> chosen) {
            Matcher lv = LABEL_VALUES.matcher(expr);
            String e = lv.matches() ? lv.group(1) : expr;
            Matcher m = VARIABLE.matcher(e);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                String v = chosen.containsKey(name) ? regexLiteral(chosen.get(name))
                        : allValues.containsKey(name) ? allValues.get(name) : BUILTINS.get(name);
                if (v == null) {
                    throw new AssertionError(this + ": unknown variable $" + name);
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(v));
            }
            m.appendTail(sb);
            return sb.toString();
        }

        /** The value of a constant line ({@code vector(N)}), else NaN. */
        double constant() {
            Matcher c = CONSTANT.matcher(expr);
            return c.matches() ? Double.parseDouble(c.group(1)) : Double.NaN;
        }

        /** True when the expression refers to variable {@code name}. */
        boolean uses(String name) {
            Matcher m = VARIABLE.matcher(expr);
            while (m.find()) {
                if (name.equals(m.group(1)) || name.equals(m.group(2)) || name.equals(m.group(3))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return dashboard + " / " + panel + ": " + expr;
        }
    }

    private static String regexLiteral(String s) {
        return s.replaceAll("([\\\\.^$|?*+()\\[\\]{}])", "\\\\\\\\$1");
    }

    static JsonNode dashboard(String name) throws IOException {
        return JSON.readTree(TestSupport.repoRoot().resolve("dashboards").resolve(name).toFile());
    }

    /** Every panel, rows' nested panels included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }

    /** Every panel target's expr and every query variable's query, of both dashboards. */
    static List<Query> queries() throws IOException {
        List<Query> out = new ArrayList<>();
        for (String name : DASHBOARDS) {
            JsonNode d = dashboard(name);
            Map<String, String> all = new LinkedHashMap<>();
            for (JsonNode v : d.path("templating").path("list")) {
                all.put(v.path("name").asText(), v.path("allValue").asText(".*"));
            }
            for (JsonNode v : d.path("templating").path("list")) {
                if ("query".equals(v.path("type").asText())) {
                    JsonNode q = v.path("query");
                    String text = q.isObject() ? q.path("query").asText() : q.asText();
                    out.add(new Query(name, "variable $" + v.path("name").asText(), text, all));
                }
            }
            for (JsonNode p : panels(d)) {
                for (JsonNode t : p.path("targets")) {
                    if (!t.path("expr").asText().isBlank()) {
                        out.add(new Query(name, p.path("title").asText(), t.path("expr").asText(), all));
                    }
                }
            }
        }
        return out;
    }

    /** For each {@code label_values} variable, the values its query yields now (sorted). */
    static Map<String, List<String>> variableValues(URI api) throws IOException, InterruptedException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String name : DASHBOARDS) {
            JsonNode d = dashboard(name);
            Map<String, String> all = new LinkedHashMap<>();
            for (JsonNode v : d.path("templating").path("list")) {
                all.put(v.path("name").asText(), v.path("allValue").asText(".*"));
            }
            for (JsonNode v : d.path("templating").path("list")) {
                JsonNode q = v.path("query");
                String text = q.isObject() ? q.path("query").asText() : q.asText();
                Matcher lv = LABEL_VALUES.matcher(text);
                if (!"query".equals(v.path("type").asText()) || !lv.matches()) {
                    continue;
                }
                String label = lv.group(2);
                JsonNode result = query(api, new Query(name, "", text, all).promql(Map.of())).path("data").path("result");
                TreeSet<String> found = new TreeSet<>();
                result.forEach(r -> {
                    if (r.path("metric").has(label)) {
                        found.add(r.path("metric").path(label).asText());
                    }
                });
                if (!found.isEmpty()) {
                    values.putIfAbsent(v.path("name").asText(), List.copyOf(found));
                }
            }
        }
        return values;
    }

    // ================================================================= Prometheus

    private static Process startPrometheus(Path bin, Path work, int port, Map<String, Integer> reporters)
            throws IOException {
        StringBuilder cfg = new StringBuilder("""
                # written by DashboardsPrometheusTest: the local cluster's Flink Prometheus reporters
                global:
                  scrape_interval: 2s
                  scrape_timeout: 2s
                  evaluation_interval: 2s
                scrape_configs:
                """);
        reporters.forEach((role, p) -> cfg.append("  - job_name: ")
                .append(role.equals(LocalCluster.JOB_MANAGER) ? "flink-jobmanager" : "flink-taskmanager")
                .append("\n    static_configs:\n      - targets: [\"127.0.0.1:").append(p).append("\"]\n")
                .append("        labels: {role: \"").append(role).append("\"}\n"));
        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, cfg.toString());
        Path data = work.resolve("prometheus-data");
        Files.createDirectories(data);
        List<String> cmd = List.of(bin.toString(), "--config.file=" + config,
                "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + data,
                "--storage.tsdb.retention.time=1h", "--log.level=info");
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve("prometheus.log").toFile()).start();
    }

    private static void awaitTargetsUp(Process prometheus, URI api, int expected, Path log, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!prometheus.isAlive()) {
                throw new AssertionError("prometheus exited with " + prometheus.exitValue() + ":\n"
                        + Files.readString(log));
            }
            try {
                JsonNode active = get(api.resolve("targets?state=active")).path("data").path("activeTargets");
                long up = 0;
                StringBuilder sb = new StringBuilder();
                for (JsonNode t : active) {
                    sb.append(t.path("scrapeUrl").asText()).append('=').append(t.path("health").asText())
                            .append(' ').append(t.path("lastError").asText()).append("; ");
                    up += "up".equals(t.path("health").asText()) ? 1 : 0;
                }
                last = sb.toString();
                if (up == expected) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Prometheus targets not all up within " + timeout.toSeconds() + " s: " + last);
    }

    /**
     * null when the query returns at least one series over the last two minutes (every sample of value
     * {@code constant} unless that is NaN), else what is wrong.
     */
    private static String check(URI api, String promql, double constant) throws InterruptedException {
        try {
            JsonNode n = query(api, promql);
            if (!"success".equals(n.path("status").asText())) {
                return "status " + n.path("status").asText() + ": " + n.path("error").asText();
            }
            JsonNode result = n.path("data").path("result");
            if (result.isEmpty()) {
                return "empty result for " + promql;
            }
            if (!Double.isNaN(constant)) {
                for (JsonNode series : result) {
                    for (JsonNode sample : series.path("values")) { // [time, "value"]
                        double v = Double.parseDouble(sample.path(1).asText("NaN"));
                        if (v != constant) {
                            return "constant line " + promql + " returned " + sample + ", not " + constant;
                        }
                    }
                }
            }
            return null;
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * A range query over the last two minutes, as a dashboard panel draws it (and as Grafana lists a variable's
     * values: the series of the time range). Not an instant query: a scrape that times out on a loaded machine marks
     * the target's series stale, and an instant query right after finds none though the dashboard shows them.
     */
    private static JsonNode query(URI api, String promql) throws IOException, InterruptedException {
        long now = System.currentTimeMillis() / 1000;
        return get(api.resolve("query_range?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&start=" + (now - 120) + "&end=" + now + "&step=2"));
    }

    private static JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body().isEmpty() ? "{}" : r.body());
        if (r.statusCode() != 200 && !n.has("status")) {
            throw new IOException("HTTP " + r.statusCode() + " from " + uri + ": " + r.body());
        }
        return n;
    }

    /** Writes every metric name Prometheus holds, and each reporter's raw /metrics page, for diagnosis. */
    private static void dumpMetricNames(URI api, Map<String, Integer> reporters, Path work) {
        try {
            JsonNode names = get(api.resolve("label/__name__/values")).path("data");
            StringBuilder sb = new StringBuilder();
            names.forEach(n -> sb.append(n.asText()).append('\n'));
            Files.writeString(work.resolve("metric-names.txt"), sb.toString());
            for (Map.Entry<String, Integer> e : reporters.entrySet()) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + e.getValue() + "/metrics")).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString());
                Files.writeString(work.resolve("metrics-" + e.getKey() + ".txt"), r.body());
            }
        } catch (IOException | InterruptedException e) {
            // diagnosis only
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ================================================================= Flink REST

    /**
     * {@code POST /jars/{id}/run} with job configuration ({@code flinkConfiguration}), e.g. the checkpoint interval:
     * the jobs leave checkpointing to the deployment.
     */
    private static String run(FlinkRestClient rest, String jarId, String entryClass, List<String> args,
                              Map<String, String> flinkConfiguration) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("entryClass", entryClass);
        args.forEach(body.putArray("programArgsList")::add);
        body.put("parallelism", 1);
        ObjectNode conf = body.putObject("flinkConfiguration");
        flinkConfiguration.forEach(conf::put);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(rest.baseUri().resolve("jars/" + jarId + "/run"))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        String jobId = JSON.readTree(r.body()).path("jobid").asText("");
        assertThat(jobId).as("submitting " + entryClass + ": HTTP " + r.statusCode() + " " + r.body()).isNotEmpty();
        return jobId;
    }

    // ================================================================= helpers

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static Map<String, Object> yaml(String text) throws java.io.IOException {
        return new YAMLMapper().readValue(text, new TypeReference<Map<String, Object>>() {});
    }
}
