package io.cmbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import io.cmbench.cluster.kafka.KafkaTopicAdmin;
import io.cmbench.cluster.kafka.TopicReader;
import io.cmbench.jobs.AnalyticsJobConfig;
import io.cmbench.jobs.EmulationJobConfig;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.KafkaTopics;
import io.cmbench.jobs.ServingEmulationJob;
import io.cmbench.jobs.SloAnalyticsJob;
import io.cmbench.jobs.SloSpec;
import io.cmbench.loadgen.KafkaRequestPublisher;
import io.cmbench.loadgen.PublishMode;
import io.cmbench.loadgen.PublishStats;
import io.cmbench.loadgen.RequestStream;
import io.cmbench.loadgen.WorkloadSpec;
import io.cmbench.schemas.Completion;
import io.cmbench.schemas.DeadLetter;
import io.cmbench.schemas.SloWindow;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One embedded run: a real Kafka broker (unless one is given), the load generator, then the serving
 * emulation and the SLO analytics as bounded Flink jobs on a MiniCluster, each reading the previous
 * stage's Kafka topic; finally the results are read back from Kafka and written to the output directory.
 */
final class EmbeddedRun {

    /**
     * What a run produced, as read back from the result topics.
     *
     * @param completions every completion, sorted; empty when the run does not keep per-request output
     * @param completionCount the completions of every scenario
     * @param lastTokenMicros the latest last token of any completion (the simulated span the run covered)
     */
    record Result(Path outDir, long requests, List<Completion> completions, List<SloWindow> windows,
                  List<DeadLetter> deadLetters, List<RunSummary> summaries, Map<String, Double> phaseSeconds,
                  long completionCount, long lastTokenMicros) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper JSONL = new ObjectMapper();

    private final RunConfig cfg;
    private final PrintStream out;
    private boolean measureVertices;
    private List<io.cmbench.cluster.rest.VertexMetrics> emulationVertices = List.of();
    /** Reads the finished emulation job's vertices from its cluster; null until the job has run. */
    private java.util.concurrent.Callable<List<io.cmbench.cluster.rest.VertexMetrics>> vertexReader;
    /** The run's one MiniCluster, shared by the emulation and the analytics: started ahead by {@link #run()}, else when a job first needs it. */
    private HeldMiniCluster flink;
    /** The MiniCluster starting beside the broker ({@link #run()}), or null. */
    private java.util.concurrent.CompletableFuture<HeldMiniCluster> flinkStarting;
    /** Wall seconds from the run's start to its first phase: the broker's and (for {@link #run()}) the MiniCluster's start. */
    private double startupSeconds;
    /** CPU seconds of this JVM and its children per phase: the work a phase cost, less skewed than wall time on a busy machine. */
    private final Map<String, Double> phaseCpuSeconds = new LinkedHashMap<>();

    EmbeddedRun(RunConfig cfg, PrintStream out) {
        this.cfg = cfg;
        this.out = out;
    }

    /**
     * Reads the emulation job's per-subtask vertex metrics from its cluster once it has finished
     * ({@link #emulationVertices()}); the benchmark's view of how the work spread over the subtasks.
     */
    EmbeddedRun measuringVertices() {
        this.measureVertices = true;
        return this;
    }

    /** Wall seconds before the first phase: starting the broker (unless one is given) and, for {@link #run()}, the MiniCluster. */
    double startupSeconds() {
        return startupSeconds;
    }

    /** The emulation job's vertices with their subtasks' records and busy time; empty unless {@link #measuringVertices}. */
    List<io.cmbench.cluster.rest.VertexMetrics> emulationVertices() {
        return emulationVertices;
    }

    Map<String, Double> phaseCpuSeconds() {
        return phaseCpuSeconds;
    }

    /**
     * The whole pipeline: generate, emulate, analyze. Its MiniCluster starts beside the broker, before the phases, as
     * a session cluster would be up before a job is submitted (a live run's feed runs its own jobs, so only this path).
     */
    Result run() throws Exception {
        if (cfg.clusterRestAddress() == null) {
            flinkStarting = startFlinkAhead();
        }
        return runPhases((bootstrap, topics, phases) -> {
            long t = System.nanoTime();
            double cpu = ResourceMeter.cpuSeconds();
            Generated generated = generate(bootstrap, topics);
            phases.put("generate", secondsSince(t));
            phaseCpuSeconds.put("generate", ResourceMeter.cpuSeconds() - cpu);
            t = System.nanoTime();
            cpu = ResourceMeter.cpuSeconds();
            emulate(bootstrap, topics, generated);
            phases.put("emulate", secondsSince(t));
            phaseCpuSeconds.put("emulate", ResourceMeter.cpuSeconds() - cpu);
            return new Fed(generated.requests(), generated.lastArrivalMicros());
        });
    }

    /**
     * Another feed (a live run's: generator and emulation at the same time, {@link LiveRun}) in place of generate and
     * emulate; the analytics, the results and the run directory as for any run.
     */
    Result run(Feed feed) throws Exception {
        return runPhases(feed);
    }

    /** Measured timings from a real serving system: publish them as completions, then analyze. */
    Result analyzeMeasured(List<Completion> measured) throws Exception {
        return runPhases((bootstrap, topics, phases) -> {
            long t = System.nanoTime();
            say("publishing %,d measured completions into %s ...", measured.size(), topics.completions());
            CompletionPublisher.publish(bootstrap, cfg.kafkaProperties(), topics.completions(), measured);
            phases.put("ingest", secondsSince(t));
            return new Fed(measured.size(), measured.stream().mapToLong(Completion::getArrivalTimeMicros).max().orElse(0));
        });
    }

    /** What the feed put into the topics: the request count and the run's last arrival (where its arrivals end). */
    record Fed(long requests, long lastArrivalMicros) {}

    /** What comes before the analytics: puts records into the topics. */
    interface Feed {
        Fed feed(String bootstrap, KafkaTopics topics, Map<String, Double> phases) throws Exception;
    }

    private Result runPhases(Feed feed) throws Exception {
        Path tmp;
        try {
            Files.createDirectories(cfg.outDir());
            tmp = Files.createDirectories(cfg.outDir().resolve("tmp"));
        } catch (IOException e) {
            closeFlink(); // the MiniCluster run() started ahead
            throw e;
        }
        long t0 = System.nanoTime();
        EmbeddedKafkaBroker broker = null;
        try (RunCleanup cleanup = new RunCleanup(tmp, System.err)) {
            String bootstrap = cfg.bootstrapServers();
            if (bootstrap == null) {
                say("starting Kafka broker (KRaft) on 127.0.0.1 ...");
                broker = EmbeddedKafkaBroker.start(cfg.kafkaPort(), tmp);
                cleanup.broker(broker);
                bootstrap = broker.bootstrapServers();
                say("Kafka broker ready at %s (%.1f s)", bootstrap, secondsSince(t0));
            }
            KafkaTopics topics = cfg.topics();
            cleanup.claim(claim(bootstrap));
            requireEmpty(bootstrap, topics);
            KafkaTopicAdmin.createTopics(bootstrap, cfg.kafkaProperties(), topicsOf(topics),
                    cfg.infra().partitionsFor(cfg.parallelism()), cfg.infra().replicationFactor());

            if (flinkStarting != null) {
                flink(); // up before the first phase: start-up, like the broker's, is not a phase's work
            }
            startupSeconds = secondsSince(t0);
            Map<String, Double> phases = new LinkedHashMap<>();
            Fed fed = feed.feed(bootstrap, topics, phases);
            long t = System.nanoTime();
            double cpu = ResourceMeter.cpuSeconds();
            analyze(bootstrap, topics);
            phases.put("analyze", secondsSince(t));
            phaseCpuSeconds.put("analyze", ResourceMeter.cpuSeconds() - cpu);
            if (measureVertices && vertexReader != null) {
                emulationVertices = vertexReader.call(); // after the phases: reading them is not the pipeline's work
            }

            closeFlink(); // its jobs are done: free its memory before the results are read back
            Result result = collect(bootstrap, topics, fed, phases);
            writeInfo(t0, phases);
            return result;
        } catch (Exception e) {
            keepBrokerLog(broker);
            throw e;
        } finally {
            closeFlink(); // before the broker its jobs write to
        }
    }

    /**
     * The run's MiniCluster: one for both jobs, since a cluster's start (1–3 s) costs more than a bounded analytics
     * job on it. Jobs go to it as to a session cluster (its classes are this JVM's, so no jar goes with them).
     */
    private HeldMiniCluster flink() throws Exception {
        if (flink == null && flinkStarting != null) {
            var starting = flinkStarting;
            flinkStarting = null;
            try {
                flink = starting.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
        if (flink == null) {
            flink = HeldMiniCluster.start(cfg.parallelism(), cfg.outDir().resolve("tmp"));
        }
        return flink;
    }

    /** Starts the MiniCluster on a thread of its own, so that the broker's start and its own overlap. */
    private java.util.concurrent.CompletableFuture<HeldMiniCluster> startFlinkAhead() throws IOException {
        Path tmp = Files.createDirectories(cfg.outDir().resolve("tmp"));
        var starting = new java.util.concurrent.CompletableFuture<HeldMiniCluster>();
        Thread t = new Thread(() -> {
            try {
                starting.complete(HeldMiniCluster.start(cfg.parallelism(), tmp));
            } catch (Throwable e) {
                starting.completeExceptionally(e);
            }
        }, "cmbench-minicluster-start");
        t.setDaemon(true);
        t.start();
        return starting;
    }

    private void closeFlink() throws Exception {
        if (flinkStarting != null) {
            try {
                flink(); // a run that failed before its first phase: the cluster it was starting still has to go
            } catch (Exception startFailed) {
                // nothing was started, so nothing to close
            }
        }
        if (flink != null) {
            HeldMiniCluster f = flink;
            flink = null;
            f.close();
        }
    }

    private static List<String> topicsOf(KafkaTopics topics) {
        return List.of(topics.requests(), topics.completions(), topics.steps(), topics.sloWindows(), topics.deadLetter());
    }

    /** The embedded broker's directory goes with it: its log is copied beside the run's for whoever reads a failure. */
    private void keepBrokerLog(EmbeddedKafkaBroker broker) {
        if (broker == null) {
            return;
        }
        try {
            Files.copy(broker.logFile(), cfg.outDir().resolve("kafka-broker.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // no broker log: the run's own log still says what failed
        }
    }

    /** The run's exclusive hold on its topic prefix, taken before anything is produced. */
    private io.cmbench.cluster.kafka.TopicClaim claim(String bootstrap) {
        try {
            return io.cmbench.cluster.kafka.TopicClaim.acquire(bootstrap, cfg.kafkaProperties(), cfg.topicPrefix());
        } catch (io.cmbench.cluster.kafka.TopicClaim.Taken e) {
            throw new RunRefusedException(e.getMessage(), e);
        }
    }

    /** The last {@code lines} lines of a text file, or why there are none. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (java.io.IOException | RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * A run's five topics must start empty, or its results would mix with an earlier run's — and a foreign record
     * in any of them (a dead letter too) would be read back as this run's.
     */
    private void requireEmpty(String bootstrap, KafkaTopics topics) {
        for (String topic : topicsOf(topics)) {
            long n;
            try {
                n = TopicReader.count(bootstrap, cfg.kafkaProperties(), topic);
            } catch (RuntimeException noSuchTopic) {
                continue;
            }
            if (n > 0) {
                throw new RunRefusedException("--topic-prefix: topic " + topic + " at " + bootstrap + " already holds " + n
                        + " record(s) from an earlier run; give this run its own topics with --topic-prefix NAME, got '"
                        + cfg.topicPrefix() + "'");
            }
        }
    }

    /**
     * What the generator wrote: the request count, the end of its span (the run's last arrival) and how often every
     * partition got a heartbeat.
     */
    private record Generated(long requests, long lastArrivalMicros, long heartbeatIntervalMicros) {}

    private Generated generate(String bootstrap, KafkaTopics topics) throws Exception {
        WorkloadSpec spec = cfg.workloadSpec();
        long expected = Math.max(1, Math.round(cfg.requestsPerSec() * cfg.durationSeconds()));
        AtomicLong sent = new AtomicLong();
        say("generating requests (seed %d) into %s ...", cfg.seed(), topics.requests());
        PublishStats stats;
        RequestStream stream = new RequestStream(spec, cfg.seed());
        try (stream;
             KafkaRequestPublisher publisher = new KafkaRequestPublisher(bootstrap, topics.requests(), cfg.kafkaProperties());
             io.cmbench.loadgen.ProgressBar p = progress("generate", expected, sent::get)) {
            stats = publisher.publish(stream, PublishMode.SIMULATION, (records, simMicros) -> sent.set(records));
        }
        say("generated %,d requests (+%,d heartbeats) in %.1f s (%,.0f records/s)", stream.requestsEmitted(),
                stream.heartbeatsEmitted(), stats.wallSeconds(), stats.records() / Math.max(1e-9, stats.wallSeconds()));
        return new Generated(stream.requestsEmitted(), stream.lastEventMicros(), spec.heartbeatIntervalMicros());
    }

    private void emulate(String bootstrap, KafkaTopics topics, Generated generated) throws Exception {
        long records = generated.requests();
        // the run's time horizon is part of its contract: nothing after its last arrival (plus the allowance) counts
        EmulationJobConfig job = cfg.emulationJob(bootstrap)
                .withHorizon(generated.lastArrivalMicros(), EmulationJobConfig.DEFAULT_ARRIVAL_ALLOWANCE_MICROS)
                .withMaxLead(io.cmbench.schemas.RequestRules.maxLeadCovering(generated.heartbeatIntervalMicros()));
        job.validate();
        say("serving emulation on %s (parallelism %d, %d scenario(s)) ...", where(), cfg.parallelism(),
                cfg.scenarios().size());
        long t = System.nanoTime();
        try (io.cmbench.loadgen.ProgressBar p = progress("emulate", records * cfg.scenarios().size(),
                () -> TopicReader.count(bootstrap, cfg.kafkaProperties(), topics.completions()))) {
            if (cfg.clusterRestAddress() != null) {
                ClusterJobs cluster = new ClusterJobs(cfg);
                String jobId = cluster.submitEmulation(bootstrap, job);
                cluster.await(jobId, "emulation");
                vertexReader = () -> cluster.rest().vertexMetrics(jobId);
            } else {
                String jobId = ServingEmulationJob.runOnKafka(localEnvironment(), job).getJobID().toHexString();
                vertexReader = () -> flink().rest().vertexMetrics(jobId);
            }
        }
        say("emulation done in %.1f s", secondsSince(t));
    }

    private void analyze(String bootstrap, KafkaTopics topics) throws Exception {
        // Bounded run: hold the watermark until the end of the completions topic, so every window is
        // complete when it fires, whatever order the emulation's subtasks wrote completions in.
        AnalyticsJobConfig job = new AnalyticsJobConfig(bootstrap, topics, cfg.windowMicros(), 0L,
                AnalyticsJobConfig.HOLD_UNTIL_END, 0L, cfg.slos(), true, cfg.kafkaProperties());
        job.validate();
        say("SLO analytics on %s ...", where());
        long t = System.nanoTime();
        if (cfg.clusterRestAddress() != null) {
            ClusterJobs cluster = new ClusterJobs(cfg);
            cluster.await(cluster.submitAnalytics(bootstrap), "analytics");
        } else {
            SloAnalyticsJob.runOnKafka(localEnvironment(), job);
        }
        say("analytics done in %.1f s", secondsSince(t));
    }

    private org.apache.flink.streaming.api.environment.StreamExecutionEnvironment localEnvironment() throws Exception {
        return configured(flink().environment());
    }

    private org.apache.flink.streaming.api.environment.StreamExecutionEnvironment configured(
            org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env) {
        io.cmbench.jobs.JobSettings.checkpointing(env, cfg.checkpointIntervalMillis());
        io.cmbench.jobs.JobSettings.stateBackend(env, cfg.infra().stateBackend());
        return env;
    }

    private Result collect(String bootstrap, KafkaTopics topics, Fed fed, Map<String, Double> phases)
            throws IOException {
        Map<String, Long> foreign = new LinkedHashMap<>();
        List<SloWindow> windows = read(bootstrap, topics.sloWindows(), foreign,
                b -> SloWindow.fromByteBuffer(ByteBuffer.wrap(b)));
        windows.sort(Comparator.comparing(SloWindow::getScenario).thenComparingLong(SloWindow::getWindowStartMicros));
        List<DeadLetter> dead = read(bootstrap, topics.deadLetter(), foreign,
                b -> DeadLetter.fromByteBuffer(ByteBuffer.wrap(b)));
        List<RunSummary> summaries = windows.isEmpty() ? List.of() : RunSummary.of(windows, new RunSummary.Rules(
                cfg.warmupWindows(), cfg.drainWindows(), fed.lastArrivalMicros(), cfg.mode() != EmulationMode.DECODE_ONLY));
        // the completions are read once, after the windows: counted and named as they go, kept only when asked
        Map<String, Long> beyondDrainFrom = new LinkedHashMap<>();
        summaries.stream().filter(s -> s.beyondDrainFromMicros() != null)
                .forEach(s -> beyondDrainFrom.put(s.scenario(), s.beyondDrainFromMicros()));
        CompletionTally tally = new CompletionTally(beyondDrainFrom, cfg.perRequestOutput());
        ResultReader.forEach(bootstrap, cfg.kafkaProperties(), topics.completions(), foreign,
                b -> Completion.fromByteBuffer(ByteBuffer.wrap(b)), tally::add);
        summaries = summaries.stream().map(s -> s.withBeyondDrainRequestIds(tally.beyondDrain(s.scenario()))).toList();
        List<Completion> completions = tally.sorted();
        foreign.forEach((topic, n) -> out.printf("warning: %,d record(s) in %s are not this pipeline's (not its Avro"
                + " schema): skipped%n", n, topic));

        if (cfg.perRequestOutput()) {
            writeJsonLines(cfg.outDir().resolve("completions.jsonl"), completions);
        }
        writeJsonLines(cfg.outDir().resolve("slo-windows.jsonl"), windows);
        if (!dead.isEmpty()) {
            writeJsonLines(cfg.outDir().resolve("dead-letters.jsonl"), dead);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("config", configMap());
        summary.put("requests", fed.requests());
        summary.put("completions", tally.count());
        summary.put("dead_letters", dead.size());
        if (!foreign.isEmpty()) {
            summary.put("foreign_records", foreign);
        }
        summary.put("scenarios", summaries);
        summary.put("published_reference", PublishedReferences.json(PublishedReferences.forRun(cfg)));
        summary.put("published_by_slo", PublishedReferences.json(PublishedReferences.bySlo(cfg)));
        JSON.writeValue(cfg.outDir().resolve("summary.json").toFile(), summary);
        JSON.writeValue(cfg.outDir().resolve("model-breakdown.json").toFile(), modelBreakdown());
        return new Result(cfg.outDir(), fed.requests(), completions, windows, dead, summaries, phases, tally.count(),
                tally.lastTokenMicros());
    }

    /**
     * The cost model's per-operator decode breakdown (µs per layer, slowest die) at each scenario's operating
     * point: its batch cap, KV = prompt + output / 2 — what the report shows beside the measured numbers.
     */
    private Map<String, Object> modelBreakdown() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (io.cmbench.model.ScenarioSpec s : cfg.mode() == null ? List.<io.cmbench.model.ScenarioSpec>of() : cfg.scenarios()) {
            io.cmbench.model.RooflineCostModel m = io.cmbench.model.CostModels.build(s.profile(), s.model(), s.deployment(),
                    s.decodeBatchCapPerNpu(), s.calibration());
            out.put(s.name(), m.decodeUniform(m.layout().decodeBatchCapPerNpu(),
                    cfg.promptTokens() + cfg.outputTokens() / 2).operators());
        }
        return out;
    }

    private Map<String, Object> configMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", cfg.seed());
        m.put("duration_s", cfg.durationSeconds() > 0 ? cfg.durationSeconds() : null); // null: the workload's own end
        m.put("rate_per_s", cfg.workload() == null ? cfg.requestsPerSec() : null); // a workload has its own arrivals
        m.put("prompt_tokens", cfg.promptTokens());
        m.put("output_tokens", cfg.outputTokens());
        m.put("workload", cfg.workloadLabel()); // builtin:NAME or the file as given: the same bytes wherever it runs
        m.put("window_s", cfg.windowSeconds());
        m.put("slos", cfg.slos().stream().map(SloSpec::name).toList());
        m.put("warmup_windows", cfg.warmupWindows());
        m.put("drain_windows", cfg.drainWindows() == RunConfig.DRAIN_AUTO ? "auto" : cfg.drainWindows());
        m.put("mode", cfg.mode() == null ? "measured" : cfg.mode().name());
        m.put("scenarios", cfg.scenarios());
        return m;
    }

    /** Wall-clock facts go apart from summary.json, which must be identical for the same seed and config. */
    private void writeInfo(long t0, Map<String, Double> phases) throws IOException {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("wall_seconds", secondsSince(t0));
        info.put("phase_seconds", phases);
        info.put("parallelism", cfg.parallelism());
        info.put("java", System.getProperty("java.version"));
        info.put("available_processors", Runtime.getRuntime().availableProcessors());
        info.put("flink", org.apache.flink.runtime.util.EnvironmentInformation.getVersion());
        info.put("kafka", org.apache.kafka.common.utils.AppInfoParser.getVersion());
        JSON.writeValue(cfg.outDir().resolve("run-info.json").toFile(), info);
    }

    private static <T extends org.apache.avro.specific.SpecificRecordBase> void writeJsonLines(Path file, List<T> records)
            throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (T r : records) {
                w.write(JSONL.writeValueAsString(AvroJson.toMap(r)));
                w.write('\n');
            }
        }
    }

    private <T> List<T> read(String bootstrap, String topic, Map<String, Long> foreign, ResultReader.Decoder<T> decoder) {
        return ResultReader.read(bootstrap, cfg.kafkaProperties(), topic, foreign, decoder);
    }

    private io.cmbench.loadgen.ProgressBar progress(String label, long total, java.util.function.LongSupplier done) {
        PrintStream to = cfg.quiet() ? new PrintStream(PrintStream.nullOutputStream()) : out;
        return new io.cmbench.loadgen.ProgressBar(new java.io.PrintWriter(to, true), label, total, "records", done, null);
    }

    private String where() {
        return cfg.clusterRestAddress() == null ? "Flink MiniCluster" : "Flink session cluster " + cfg.clusterRestAddress();
    }

    private void say(String fmt, Object... args) {
        if (!cfg.quiet()) {
            out.printf(fmt + "%n", args);
            out.flush();
        }
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
