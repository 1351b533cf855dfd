package io.cmbench.cluster.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A small client of Flink's REST API (java.net.http + Jackson): cluster overview, TaskManagers, jar upload
 * and run, job status polling, cancel, job list, per-subtask vertex metrics, and the root cause of a failed job.
 */
public final class FlinkRestClient {
    /** Job states after which a job does not change any more (in a session cluster without HA). */
    public static final Set<String> TERMINAL_STATES = Set.of("FINISHED", "FAILED", "CANCELED");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final Duration requestTimeout;
    private final HttpClient http;

    /** {@code address} is {@code host:port} or a URL ({@code http://host:port}). Requests time out after 30 s. */
    public FlinkRestClient(String address) {
        this(toUri(address), Duration.ofSeconds(30));
    }

    public FlinkRestClient(URI base, Duration requestTimeout) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    public URI baseUri() {
        return base;
    }

    // ---------------------------------------------------------------- cluster

    /** {@code GET /overview}: TaskManagers, slots, job counts, Flink version. */
    public ClusterOverview overview() {
        JsonNode n = get("overview");
        return new ClusterOverview(n.path("flink-version").asText(""), n.path("taskmanagers").asInt(),
                n.path("slots-total").asInt(), n.path("slots-available").asInt(), n.path("jobs-running").asInt(),
                n.path("jobs-finished").asInt(), n.path("jobs-cancelled").asInt(), n.path("jobs-failed").asInt());
    }

    /** True when the REST endpoint answers {@code /overview} within {@code timeout}. */
    public boolean isUp(Duration timeout) {
        try {
            send(HttpRequest.newBuilder(base.resolve("overview")).timeout(timeout).GET().build());
            return true;
        } catch (FlinkRestException e) {
            return false;
        }
    }

    /** {@code GET /taskmanagers}: the registered TaskManagers. */
    public List<TaskManagerInfo> taskManagers() {
        List<TaskManagerInfo> out = new ArrayList<>();
        for (JsonNode tm : get("taskmanagers").path("taskmanagers")) {
            out.add(new TaskManagerInfo(tm.path("id").asText(), tm.path("slotsNumber").asInt(),
                    tm.path("freeSlots").asInt(), tm.path("timeSinceLastHeartbeat").asLong()));
        }
        return out;
    }

    // ---------------------------------------------------------------- jars

    /** {@code POST /jars/upload} (multipart {@code jarfile}); returns the jar id for {@link #runJar}. */
    public String uploadJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new FlinkRestException("no such jar: " + jar);
        }
        String boundary = "cmbench-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            body.write(("--" + boundary + "\r\n"
                    + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                    + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(Files.readAllBytes(jar));
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FlinkRestException("cannot read " + jar + ": " + e.getMessage(), -1, e);
        }
        HttpRequest req = HttpRequest.newBuilder(base.resolve("jars/upload"))
                .timeout(requestTimeout.plusSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        JsonNode n = send(req);
        String filename = n.path("filename").asText("");
        if (filename.isEmpty() || !"success".equals(n.path("status").asText())) {
            throw new FlinkRestException("jar upload of " + jar + " was not accepted: " + n);
        }
        return Path.of(filename).getFileName().toString();
    }

    /**
     * {@code POST /jars/{id}/run}: runs the jar's {@code entryClass} (null = the manifest's) with
     * {@code programArgs}; {@code parallelism} null = the cluster default. Returns the job id.
     */
    public String runJar(String jarId, String entryClass, List<String> programArgs, Integer parallelism) {
        ObjectNode body = JSON.createObjectNode();
        if (entryClass != null) {
            body.put("entryClass", entryClass);
        }
        body.putArray("programArgsList").addAll(programArgs.stream().map(JSON.getNodeFactory()::textNode).toList());
        if (parallelism != null) {
            body.put("parallelism", parallelism);
        }
        JsonNode n = send(HttpRequest.newBuilder(base.resolve("jars/" + jarId + "/run"))
                .timeout(requestTimeout.plusSeconds(90))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
        String jobId = n.path("jobid").asText("");
        if (jobId.isEmpty()) {
            throw new FlinkRestException("running jar " + jarId + " returned no job id: " + n);
        }
        return jobId;
    }

    /** Upload, then run; returns the job id. */
    public String submit(Path jar, String entryClass, List<String> programArgs, Integer parallelism) {
        return runJar(uploadJar(jar), entryClass, programArgs, parallelism);
    }

    /** The ids of the uploaded jars. */
    public List<String> listJars() {
        List<String> out = new ArrayList<>();
        for (JsonNode f : get("jars").path("files")) {
            out.add(f.path("id").asText());
        }
        return out;
    }

    public void deleteJar(String jarId) {
        send(HttpRequest.newBuilder(base.resolve("jars/" + jarId)).timeout(requestTimeout).DELETE().build());
    }

    // ---------------------------------------------------------------- jobs

    /** {@code GET /jobs/overview}: every job the cluster knows, newest first as Flink lists them. */
    public List<JobSummary> listJobs() {
        List<JobSummary> out = new ArrayList<>();
        for (JsonNode j : get("jobs/overview").path("jobs")) {
            out.add(new JobSummary(j.path("jid").asText(), j.path("name").asText(), j.path("state").asText(),
                    j.path("start-time").asLong(), j.path("end-time").asLong()));
        }
        return out;
    }

    /** The job's state ({@code CREATED, RUNNING, FAILING, RESTARTING, FINISHED, FAILED, CANCELED, ...}). */
    public String jobState(String jobId) {
        return get("jobs/" + jobId).path("state").asText();
    }

    /** True when the job is RUNNING and every task of every vertex is RUNNING (or already FINISHED). */
    public boolean allTasksRunning(String jobId) {
        JsonNode job = get("jobs/" + jobId);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode v : job.path("vertices")) {
            JsonNode counts = v.path("tasks");
            int parallelism = v.path("parallelism").asInt();
            int ok = counts.path("RUNNING").asInt() + counts.path("FINISHED").asInt();
            if (ok < parallelism) {
                return false;
            }
        }
        return true;
    }

    /** {@code GET /jobs/{id}/checkpoints}: the number of completed checkpoints (restored ones not counted). */
    public long completedCheckpoints(String jobId) {
        return get("jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
    }

    /**
     * {@code GET /jobs/{id}/checkpoints}: the id of the checkpoint the job last restored its state from after a
     * failure, or empty if it never restored one (proof that a recovery went through state, not just a restart).
     */
    public Optional<Long> restoredCheckpointId(String jobId) {
        JsonNode restored = get("jobs/" + jobId + "/checkpoints").path("latest").path("restored");
        return restored.isObject() && restored.has("id") ? Optional.of(restored.path("id").asLong()) : Optional.empty();
    }

    /** {@code GET /jobs/{id}/checkpoints}: the recent checkpoints Flink remembers (its history size), oldest first. */
    public List<CheckpointInfo> checkpointHistory(String jobId) {
        List<CheckpointInfo> out = new ArrayList<>();
        for (JsonNode c : get("jobs/" + jobId + "/checkpoints").path("history")) {
            out.add(new CheckpointInfo(c.path("id").asLong(), c.path("status").asText(),
                    c.path("trigger_timestamp").asLong(), c.path("latest_ack_timestamp").asLong()));
        }
        out.sort(java.util.Comparator.comparingLong(CheckpointInfo::id));
        return out;
    }

    /** {@code GET /jobs/{id}/checkpoints}: how many times the job restored its state from a checkpoint (its recoveries). */
    public long restoredCheckpoints(String jobId) {
        return get("jobs/" + jobId + "/checkpoints").path("counts").path("restored").asLong();
    }

    /**
     * {@code GET /jobs/{id}/checkpoints}: the full state size in bytes of the latest completed checkpoint (all its
     * state, not only what an incremental checkpoint added), or empty before the first.
     */
    public Optional<Long> latestCheckpointBytes(String jobId) {
        JsonNode c = get("jobs/" + jobId + "/checkpoints").path("latest").path("completed");
        return c.isObject() && c.has("state_size") ? Optional.of(c.path("state_size").asLong()) : Optional.empty();
    }

    /**
     * {@code POST /jobs/{id}/stop}: stop with a savepoint into {@code targetDirectory}; with {@code drain} the sources
     * first emit the final watermark, so every event-time timer fires and the job ends FINISHED with all its output
     * (exactly-once sinks commit it with the savepoint). Returns at once (see {@link #awaitTermination}).
     */
    public void stopWithSavepoint(String jobId, boolean drain, String targetDirectory) {
        String body = JSON.createObjectNode().put("drain", drain).put("targetDirectory", targetDirectory).toString();
        send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "/stop")).timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    /** Polls (every 250 ms) until the job is FINISHED, FAILED or CANCELED; returns that state. */
    public String awaitTermination(String jobId, Duration timeout) {
        return awaitState(jobId, TERMINAL_STATES, timeout);
    }

    /**
     * How long the REST API may not answer at all (no connection, no reply) before a wait gives up: a JobManager that
     * died (e.g. out of metaspace) otherwise kept a caller waiting for the whole job timeout.
     */
    public static final Duration UNREACHABLE_LIMIT = Duration.ofSeconds(60);

    /** Polls until the job is in one of {@code states}; a terminal state not wanted ends the wait too. */
    public String awaitState(String jobId, Set<String> states, Duration timeout) {
        return awaitState(jobId, states, timeout, UNREACHABLE_LIMIT);
    }

    /** {@link #awaitState(String, Set, Duration)}, giving up once the REST API has not answered for {@code unreachableLimit}. */
    String awaitState(String jobId, Set<String> states, Duration timeout, Duration unreachableLimit) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long unreachableSince = -1;
        String state = "?";
        while (true) {
            try {
                state = jobState(jobId);
                unreachableSince = -1;
            } catch (FlinkRestException e) {
                if (e.status() >= 400 && e.status() != 404) {
                    throw e;
                }
                // 404 right after submission, or a transient connection failure: try again, for a while
                if (e.status() < 0) {
                    long now = System.nanoTime();
                    unreachableSince = unreachableSince < 0 ? now : unreachableSince;
                    if (now - unreachableSince > unreachableLimit.toNanos()) {
                        throw new FlinkRestException("the Flink REST API at " + base + " has not answered for "
                                + unreachableLimit.toSeconds() + " s while job " + jobId + " was " + state
                                + " (has the JobManager stopped? see its log): " + e.getMessage(), -1, e);
                    }
                }
            }
            if (states.contains(state) || TERMINAL_STATES.contains(state)) {
                return state;
            }
            if (System.nanoTime() > deadline) {
                throw new FlinkRestException("job " + jobId + " is still " + state + " after "
                        + timeout.toSeconds() + " s (waiting for " + String.join("/", states) + ")");
            }
            sleep(250);
        }
    }

    /** Polls until {@link #allTasksRunning}; fails early when the job reaches a terminal state. */
    public void awaitAllTasksRunning(String jobId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (allTasksRunning(jobId)) {
                    return;
                }
                String state = jobState(jobId);
                if (TERMINAL_STATES.contains(state)) {
                    throw new FlinkRestException("job " + jobId + " ended " + state + " before all its tasks ran"
                            + failure(jobId).map(f -> ": " + f.rootCause()).orElse(""));
                }
            } catch (FlinkRestException e) {
                if (e.status() >= 400 && e.status() != 404) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new FlinkRestException("job " + jobId + " did not have all tasks running within "
                        + timeout.toSeconds() + " s");
            }
            sleep(250);
        }
    }

    /**
     * {@code GET /jobs/{id}}, {@code /jobs/{id}/vertices/{vid}} and {@code .../subtasks/accumulators}: every vertex of the
     * job with its subtasks' records, busy/idle/back-pressured time and, where the job records it, CPU time, in the
     * job's vertex order. For a finished job these are the tasks' final totals.
     */
    public List<VertexMetrics> vertexMetrics(String jobId) {
        List<VertexMetrics> out = new ArrayList<>();
        for (JsonNode v : get("jobs/" + jobId).path("vertices")) {
            String vid = v.path("id").asText();
            Map<Integer, Long> cpu = new HashMap<>();
            for (JsonNode s : get("jobs/" + jobId + "/vertices/" + vid + "/subtasks/accumulators").path("subtasks")) {
                for (JsonNode a : s.path("user-accumulators")) {
                    if (VertexMetrics.CPU_ACCUMULATOR.equals(a.path("name").asText())) {
                        cpu.put(s.path("subtask").asInt(), Long.parseLong(a.path("value").asText()));
                    }
                }
            }
            List<VertexMetrics.Subtask> subtasks = new ArrayList<>();
            for (JsonNode s : get("jobs/" + jobId + "/vertices/" + vid).path("subtasks")) {
                JsonNode m = s.path("metrics");
                int index = s.path("subtask").asInt();
                subtasks.add(new VertexMetrics.Subtask(index, m.path("read-records").asLong(),
                        m.path("write-records").asLong(), m.path("accumulated-busy-time").asLong(),
                        m.path("accumulated-idle-time").asLong(), m.path("accumulated-backpressured-time").asLong(),
                        cpu.getOrDefault(index, -1L), s.path("taskmanager-id").asText("")));
            }
            subtasks.sort(java.util.Comparator.comparingInt(VertexMetrics.Subtask::index));
            out.add(new VertexMetrics(vid, v.path("name").asText(), v.path("parallelism").asInt(), List.copyOf(subtasks)));
        }
        return out;
    }

    /** {@code PATCH /jobs/{id}?mode=cancel}; returns at once (see {@link #awaitTermination}). */
    public void cancel(String jobId) {
        send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "?mode=cancel")).timeout(requestTimeout)
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
    }

    /**
     * The most recent failure of a job from {@code /jobs/{id}/exceptions} ({@code exceptionHistory}, or the
     * older {@code root-exception}), or empty when it has none.
     */
    public Optional<JobFailure> failure(String jobId) {
        JsonNode n = get("jobs/" + jobId + "/exceptions");
        JsonNode entries = n.path("exceptionHistory").path("entries");
        if (entries.isArray() && !entries.isEmpty()) {
            JsonNode e = entries.get(0);
            return Optional.of(JobFailure.of(e.path("exceptionName").asText(""), e.path("stacktrace").asText(""),
                    e.path("taskName").isNull() ? null : e.path("taskName").asText(null), e.path("timestamp").asLong()));
        }
        String root = n.path("root-exception").asText("");
        if (!root.isEmpty()) {
            return Optional.of(JobFailure.of("", root, null, n.path("timestamp").asLong()));
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- plumbing

    private JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(requestTimeout).GET().build());
    }

    private JsonNode send(HttpRequest req) {
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new FlinkRestException("Flink REST " + req.method() + " " + req.uri() + " timed out", -1, e);
        } catch (ConnectException e) {
            throw new FlinkRestException("Flink REST API at " + base + " is unreachable (connection refused)", -1, e);
        } catch (IOException e) {
            throw new FlinkRestException("Flink REST API at " + base + " is unreachable: " + e, -1, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkRestException("interrupted during " + req.method() + " " + req.uri(), -1, e);
        }
        JsonNode body;
        try {
            body = resp.body() == null || resp.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(resp.body());
        } catch (IOException e) {
            body = JSON.createObjectNode().put("raw", resp.body());
        }
        if (resp.statusCode() >= 300) {
            throw new FlinkRestException("Flink REST " + req.method() + " " + req.uri().getPath() + " answered "
                    + resp.statusCode() + ": " + errorText(body), resp.statusCode(), null);
        }
        return body;
    }

    /** The useful part of Flink's {@code {"errors": [...]}}: the first line, and the deepest "Caused by". */
    static String errorText(JsonNode body) {
        JsonNode errors = body.path("errors");
        if (!errors.isArray() || errors.isEmpty()) {
            return body.toString();
        }
        StringBuilder all = new StringBuilder();
        errors.forEach(e -> all.append(e.asText()).append('\n'));
        String text = all.toString().strip();
        String first = text.lines().findFirst().orElse("");
        String deepest = JobFailure.deepestCause(text);
        return deepest == null || first.contains(deepest) ? first : first + " (caused by " + deepest + ")";
    }

    private static URI toUri(String address) {
        String a = address.strip();
        return URI.create(a.contains("://") ? a : "http://" + a);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkRestException("interrupted while polling the Flink REST API", -1, e);
        }
    }

    /** {@code GET /overview}. */
    public record ClusterOverview(String flinkVersion, int taskManagers, int slotsTotal, int slotsAvailable,
                                  int jobsRunning, int jobsFinished, int jobsCancelled, int jobsFailed) {}

    /** One registered TaskManager ({@code id} is its resource id, e.g. {@code taskmanager-1}). */
    public record TaskManagerInfo(String id, int slots, int freeSlots, long msSinceLastHeartbeat) {}

    /** One checkpoint of the history: status COMPLETED, FAILED or IN_PROGRESS; wall-clock millis. */
    public record CheckpointInfo(long id, String status, long triggerMillis, long latestAckMillis) {}

    /** One job of {@code /jobs/overview}. */
    public record JobSummary(String id, String name, String state, long startTime, long endTime) {}
}
