package io.cmbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import io.cmbench.cluster.kafka.KafkaTopicAdmin;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.SloSpec;
import io.cmbench.loadgen.KafkaRequestPublisher;
import io.cmbench.loadgen.PublishMode;
import io.cmbench.loadgen.PublishStats;
import io.cmbench.loadgen.RequestStream;
import io.cmbench.loadgen.WorkloadSpec;
import io.cmbench.model.CostModels;
import io.cmbench.model.DecodeResult;
import io.cmbench.model.RooflineCostModel;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.scenario.ScenarioFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cmbench bench generator|pipeline}: throughput benchmarks, reported with the cores and memory they cost. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (commands, not tests) of the generator, the whole pipeline and the analytics job.",
        subcommands = {BenchCommand.Generator.class, BenchCommand.Pipeline.class, BenchCommand.Analytics.class, BenchSoak.class})
final class BenchCommand {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Where a benchmark writes its logs, and whether it prints JSON only: shared by every benchmark. */
    static final class Output {
        @Option(names = "--out", paramLabel = "DIR", description = "Where logs and run data go (default: runs/bench).")
        Path out;

        @Option(names = "--json", description = "JSON output only.")
        boolean json;
    }

    /** The benchmark's directory ({@code --out}, default runs/bench), held for this benchmark alone; logs go there. */
    static RunDirectory workDir(Path out) throws IOException {
        RunDirectory dir = RunDirectory.claim(out != null ? out : Path.of("runs", "bench"), null, "");
        System.setProperty(CommandErrors.LOG_FILE_PROPERTY, dir.path().resolve("cmbench.log").toString());
        return dir;
    }

    /** Generator throughput to the embedded broker, beside Kafka's ProducerPerformance at the same record size. */
    @Command(name = "generator", mixinStandardHelpOptions = true,
            description = "Generator records/s to an embedded broker vs Kafka's ProducerPerformance, same run, same record size.")
    static final class Generator implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--records", paramLabel = "N", defaultValue = "500000", description = "Records per tool (default: ${DEFAULT-VALUE}).")
        long records;


        @picocli.CommandLine.Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            Options.require(spec, records >= 1000 && records <= InputChecks.MAX_REQUESTS, "--records", records,
                    "must be between 1000 and " + (long) InputChecks.MAX_REQUESTS);
            try (RunDirectory held = workDir(output.out)) {
                return measure(held.path());
            }
        }

        private int measure(Path dir) throws Exception {
            Properties producer = new Properties();
            // The same producer settings for both tools.
            producer.put("acks", "all");
            producer.put("enable.idempotence", "true");
            producer.put("max.in.flight.requests.per.connection", "1");
            producer.put("linger.ms", "5");
            producer.put("batch.size", "262144");
            producer.put("compression.type", "lz4");
            Map<String, Object> result = new LinkedHashMap<>();
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dir.resolve("tmp"))) {
                KafkaTopicAdmin.createTopics(broker.bootstrapServers(), new Properties(),
                        List.of("bench.generator", "bench.producer-performance"), 4);
                log("generator: %,d records ...", records);
                WorkloadSpec spec = WorkloadSpec.poisson(100_000, Long.MAX_VALUE / 4, 4096, 256).withMaxRequests(records);
                PublishStats ours;
                try (KafkaRequestPublisher p = new KafkaRequestPublisher(broker.bootstrapServers(), "bench.generator", producer);
                     RequestStream stream = new RequestStream(spec, 1L)) {
                    ours = p.publish(stream, PublishMode.SIMULATION, (n, t) -> { });
                }
                int recordSize = (int) Math.max(1, Math.round((double) ours.bytes() / ours.records()));
                log("kafka ProducerPerformance: %,d records of %d bytes ...", records, recordSize);
                double[] theirs = producerPerformance(broker.bootstrapServers(), recordSize, producer, dir);
                result.put("records", records);
                result.put("record_bytes", recordSize);
                result.put("generator_records_per_s", ours.recordsPerSecond());
                result.put("generator_mb_per_s", ours.megabytesPerSecond());
                result.put("generator_publish_latency_p99_ms", ours.publishLatencyMicros().getValueAtPercentile(99) / 1e3);
                result.put("kafka_producer_performance_records_per_s", theirs[0]);
                result.put("kafka_producer_performance_mb_per_s", theirs[1]);
                result.put("ratio", ours.recordsPerSecond() / theirs[0]);
                result.put("cores", Runtime.getRuntime().availableProcessors());
            }
            if (output.json) {
                System.out.println(JSON.writeValueAsString(result));
            } else {
                System.out.printf("%n%-28s %12s %10s %10s%n", "tool", "records/s", "MB/s", "bytes/rec");
                System.out.printf("%-28s %,12.0f %10.2f %10d%n", "cmbench generator", result.get("generator_records_per_s"),
                        result.get("generator_mb_per_s"), result.get("record_bytes"));
                System.out.printf("%-28s %,12.0f %10.2f %10d%n", "kafka ProducerPerformance",
                        result.get("kafka_producer_performance_records_per_s"), result.get("kafka_producer_performance_mb_per_s"),
                        result.get("record_bytes"));
                System.out.printf("ratio (generator / Kafka's tool): %.2f   (%d cores)%n", result.get("ratio"), result.get("cores"));
            }
            return 0;
        }

        private double[] producerPerformance(String bootstrap, int recordSize, Properties producer, Path dir)
                throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g", "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.ProducerPerformance",
                    "--topic", "bench.producer-performance", "--num-records", Long.toString(records),
                    "--record-size", Integer.toString(recordSize), "--throughput", "-1", "--producer-props",
                    "bootstrap.servers=" + bootstrap));
            producer.forEach((k, v) -> cmd.add(k + "=" + v));
            Path log = dir.resolve("producer-performance.out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("ProducerPerformance did not finish within 10 minutes; see " + log);
            }
            // final line: "N records sent, X records/sec (Y MB/sec), ..."
            Pattern summary = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec \\(([0-9.]+) MB/sec\\)");
            double[] last = null;
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher m = summary.matcher(line);
                if (m.find()) {
                    last = new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))};
                }
            }
            if (p.exitValue() != 0 || last == null) {
                throw new IllegalStateException("ProducerPerformance failed (exit " + p.exitValue() + "); see " + log);
            }
            return last;
        }

        private void log(String fmt, Object... args) {
            if (!output.json) {
                System.out.printf(fmt + "%n", args);
            }
        }
    }

    /**
     * End-to-end requests per second through generator, Kafka, emulation and analytics at the paper's 50 ms
     * operating point (the decode instance at its batch cap of 96 per NPU, saturated).
     */
    @Command(name = "pipeline", mixinStandardHelpOptions = true,
            description = "End-to-end requests/s through generator, Kafka, emulation and analytics, with cores, memory and sim/wall time.")
    static final class Pipeline implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "120", description = "Simulated seconds of arrivals (default: ${DEFAULT-VALUE}).")
        double duration;

        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "decode-only", description = "decode-only | full (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(names = "--calibration", paramLabel = "VARIANT", defaultValue = "calibrated",
                description = "Cost model variant: calibrated (the physics plus the profile's fitted calibration layer) "
                        + "or physics (nothing fitted) (default: ${DEFAULT-VALUE}).")
        String calibration;

        @Option(names = "--scenarios", paramLabel = "FILE|NAME",
                description = "Scenarios the same traffic fans out to: a YAML file or a shipped set (paper, cm384-vs-h800);"
                        + " the offered rate is the first scenario's operating point (default: the paper's deployment).")
        String scenarios;

        @Option(names = "--cluster", paramLabel = "HOST:PORT",
                description = "Submit the jobs to this Flink session cluster's REST API (./cmbench cluster start); needs --bootstrap.")
        String cluster;

        @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
                description = "Use this Kafka cluster instead of starting a broker (the run's topics get a prefix of their own).")
        String bootstrap;

        @Option(names = "--warmup", paramLabel = "N", defaultValue = "5",
                description = "Unmeasured runs of the same pipeline first, in this JVM, as JMH warms up (its default is 5 "
                        + "iterations): most of a cold JVM's CPU goes to compiling Flink's, Kafka's and cmbench's code, "
                        + "while a session cluster's JVMs are long warm; the first run's rate is reported as "
                        + "cold_requests_per_s; 0 measures a cold JVM (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
                description = "Measured runs after the warm-up; the median run's figures are reported, with every run's "
                        + "rate beside them: a warm run's 2-second phases feel every pause of the machine (default: ${DEFAULT-VALUE}).")
        int runs;

        @picocli.CommandLine.Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            Options.calibration(spec, calibration);
            Options.require(spec, warmup >= 0 && warmup <= 10, "--warmup", warmup, "must be between 0 and 10");
            Options.require(spec, runs >= 1 && runs <= 10, "--runs", runs, "must be between 1 and 10");
            Options.require(spec, cluster == null || bootstrap != null, "--cluster", cluster,
                    "needs --bootstrap (the Kafka cluster the jobs use)");
            InputChecks.duration(spec, duration);
            InputChecks.parallelism(spec, parallelism);
            EmulationMode m = switch (mode.trim().toLowerCase()) {
                case "decode-only" -> EmulationMode.DECODE_ONLY;
                case "full" -> EmulationMode.FULL;
                default -> throw new ParameterException(spec.commandLine(),
                        "--mode: unknown value '" + mode + "' (expected decode-only or full)");
            };
            List<ScenarioSpec> specs = scenarios();
            ScenarioSpec first = specs.get(0);
            RooflineCostModel model = CostModels.build(first.profile(), first.model(), first.deployment(),
                    first.decodeBatchCapPerNpu(), first.calibration());
            int cap = model.layout().decodeBatchCapPerNpu();
            DecodeResult d = model.decodeUniform(cap, 4096 + 128);
            double lifetime = 256 / d.tokensPerStep() * d.stepMicros() / 1e6;
            double capacity = (double) cap * model.layout().decodeNpus() / lifetime;
            // FULL mode is bounded by the prefill pool: offer what the decode pool could take and let it queue.
            double rate = 1.1 * capacity;
            InputChecks.requestCount(spec, "--duration", rate * duration, duration);
            try (RunDirectory held = workDir(output.out)) {
                Reachability.check(cluster, bootstrap, new Properties());
                Map<String, Object> cold = null;
                for (int i = 1; i <= warmup; i++) {
                    if (!output.json) {
                        System.out.printf("warm-up run %d of %d (compiles the code the measured run uses; not measured)%n",
                                i, warmup);
                    }
                    Measured w = measure(held.path().resolve("warmup-" + i), specs, m, rate);
                    cold = cold == null ? w.result() : cold;
                }
                List<Measured> measuredRuns = new ArrayList<>();
                for (int i = 1; i <= runs; i++) {
                    if (!output.json) {
                        System.out.printf("%nmeasured run %d of %d%n", i, runs);
                    }
                    // the first keeps the directory name a single run has always had
                    measuredRuns.add(measure(held.path().resolve(i == 1 ? "pipeline" : "pipeline-" + i), specs, m, rate));
                }
                List<Double> rates = measuredRuns.stream().map(x -> (Double) x.result().get("requests_per_s")).toList();
                Measured measured = measuredRuns.stream()
                        .sorted(java.util.Comparator.comparingDouble(x -> (Double) x.result().get("requests_per_s")))
                        .toList().get((runs - 1) / 2);
                Map<String, Object> r = measured.result();
                r.put("measured_runs", runs);
                r.put("runs_requests_per_s", rates);
                r.put("warmup_runs", warmup);
                if (cold != null) {
                    r.put("cold_requests_per_s", cold.get("requests_per_s"));
                    r.put("cold_phase_seconds", cold.get("phase_seconds"));
                    r.put("cold_jit_compile_seconds", cold.get("jit_compile_seconds"));
                }
                print(r, specs, measured.vertices());
                return 0;
            }
        }

        /** One run's figures (the JSON fields) and its emulation job's vertices. */
        private record Measured(Map<String, Object> result, List<io.cmbench.cluster.rest.VertexMetrics> vertices) {}

        /** {@code --scenarios} resolved as {@code cmbench run} resolves it, each on {@code --calibration}'s variant. */
        private List<ScenarioSpec> scenarios() {
            if (scenarios == null) {
                return List.of(ScenarioSpec.paperDefault().withCalibration(calibration));
            }
            if (Files.isRegularFile(Path.of(scenarios))) {
                InputChecks.textFile(spec, "--scenarios", Path.of(scenarios));
            }
            try {
                return ScenarioFiles.resolve(scenarios).stream().map(s -> s.spec().withCalibration(calibration)).toList();
            } catch (RuntimeException e) {
                throw new ParameterException(spec.commandLine(), "--scenarios: " + e.getMessage());
            }
        }

        /** " (median of 3 runs: 36,101, 44,488, 46,720)", or nothing for one run. */
        private static String runs(Map<String, Object> r) {
            List<?> rates = (List<?>) r.get("runs_requests_per_s");
            return rates.size() < 2 ? "" : String.format(" (median of %d runs: %s)", rates.size(), String.join(", ",
                    rates.stream().map(x -> String.format("%,.0f", (Double) x)).toList()));
        }

        /** "generate 1.7, emulate 8.0, analyze 1.6": a phase map for the terminal. */
        private static String seconds(Object phaseMap) {
            return String.join(", ", ((Map<?, ?>) phaseMap).entrySet().stream()
                    .map(e -> String.format("%s %.1f", e.getKey(), e.getValue())).toList());
        }

        private Measured measure(Path dir, List<ScenarioSpec> specs, EmulationMode m, double rate) throws Exception {
            Map<String, Object> r = new LinkedHashMap<>();
            List<io.cmbench.cluster.rest.VertexMetrics> vertices;
            try (ResourceMeter meter = new ResourceMeter();
                 EmbeddedKafkaBroker broker = bootstrap == null ? EmbeddedKafkaBroker.start(0, dir.resolve("tmp")) : null) {
                RunConfig cfg = new RunConfig(42L, duration, rate, 4096, 256, null, parallelism, dir, 10,
                        SloSpec.defaults(), 1, 1, 0, broker != null ? broker.bootstrapServers() : bootstrap,
                        new Properties(), specs, m, output.json);
                if (scenarios != null) {
                    cfg = cfg.withScenarios(scenarios).withCalibration(calibration); // the file's policies go with it
                }
                if (bootstrap != null) {
                    // a shared Kafka cluster may hold an earlier benchmark's topics: this run's are its own
                    cfg = cfg.withTopicPrefix("cmbench-bench-" + System.currentTimeMillis());
                }
                if (cluster != null) {
                    cfg = cfg.onCluster(cluster, 0L); // a throughput benchmark: checkpointing off, as embedded
                }
                double cpuBefore = meter.cpuSecondsUsed();
                double wallBefore = meter.wallSeconds();
                double jitBefore = ResourceMeter.jitCompileSeconds();
                EmbeddedRun run = new EmbeddedRun(cfg, System.out).measuringVertices();
                EmbeddedRun.Result result = run.run();
                double wall = meter.wallSeconds() - wallBefore;
                double cpu = meter.cpuSecondsUsed() - cpuBefore;
                double simSeconds = result.lastTokenMicros() / 1e6;
                double pipelineSeconds = result.phaseSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
                r.put("mode", m.name());
                r.put("calibration", calibration);
                r.put("scenarios", specs.stream().map(ScenarioSpec::name).toList());
                r.put("parallelism", parallelism);
                r.put("flink", cluster == null ? "MiniCluster (embedded)" : "session cluster at " + cluster);
                r.put("offered_requests_per_sim_s", rate);
                r.put("requests", result.requests());
                r.put("requests_per_s", result.requests() / pipelineSeconds);
                // every request is emulated once per scenario
                r.put("emulated_requests_per_s", result.requests() * specs.size() / pipelineSeconds);
                r.put("sim_time_per_wall_time", simSeconds / pipelineSeconds);
                r.put("phase_seconds", result.phaseSeconds());
                r.put("phase_cpu_seconds", run.phaseCpuSeconds());
                r.put("startup_seconds", run.startupSeconds());
                r.put("wall_seconds", wall);
                r.put("cpu_seconds", cpu);
                r.put("jit_compile_seconds", ResourceMeter.jitCompileSeconds() - jitBefore);
                r.put("cores_used", cpu / wall);
                r.put("cores", Runtime.getRuntime().availableProcessors());
                r.put("peak_rss_mb", meter.peakRssMb());
                vertices = run.emulationVertices();
                r.put("vertices", VertexTable.json(vertices));
            }
            return new Measured(r, vertices);
        }

        private void print(Map<String, Object> r, List<ScenarioSpec> specs,
                           List<io.cmbench.cluster.rest.VertexMetrics> vertices) throws IOException {
            if (output.json) {
                System.out.println(JSON.writeValueAsString(r));
            } else {
                System.out.printf("%n%-26s %s%n", "mode", r.get("mode"));
                System.out.printf("%-26s %s%n", "scenarios", r.get("scenarios"));
                System.out.printf("%-26s %s%n", "cost model", Options.modelVariant(specs.get(0)));
                System.out.printf("%-26s %,d%n", "requests", r.get("requests"));
                System.out.printf("%-26s %,.0f%s%n", "requests/s (end to end)", r.get("requests_per_s"), runs(r));
                System.out.printf("%-26s %.1f%n", "simulated s per wall s", r.get("sim_time_per_wall_time"));
                System.out.printf("%-26s %s%n", "phases (wall s)", seconds(r.get("phase_seconds")));
                System.out.printf("%-26s %s%n", "phases (CPU s)", seconds(r.get("phase_cpu_seconds")));
                if (r.containsKey("cold_requests_per_s")) {
                    System.out.printf("%-26s %,.0f (phases %s; JIT compiling %.1f s)%n", "cold JVM: requests/s",
                            r.get("cold_requests_per_s"), seconds(r.get("cold_phase_seconds")), r.get("cold_jit_compile_seconds"));
                }
                System.out.printf("%-26s %.1f%n", "start-up before (wall s)", r.get("startup_seconds"));
                System.out.printf("%-26s %.1f of %d (%.0f CPU s in %.0f wall s)%n", "cores used", r.get("cores_used"),
                        r.get("cores"), r.get("cpu_seconds"), r.get("wall_seconds"));
                System.out.printf("%-26s %.1f%n", "JIT compiling (s)", r.get("jit_compile_seconds"));
                System.out.printf("%-26s %.0f MB%n", "peak RSS (JVM + broker)", r.get("peak_rss_mb"));
                System.out.printf("%nemulation job, per vertex (records in, or out for a source; busy = Flink's accumulated busy time):%n");
                System.out.print(VertexTable.text(vertices));
                String byTm = VertexTable.byTaskManager(vertices);
                if (!byTm.isEmpty()) {
                    System.out.printf("%n%s", byTm);
                }
            }
        }
    }

    /**
     * SLO analytics throughput: completion records per second through the analytics job (Kafka in, windows out),
     * on synthetic completions published beforehand.
     */
    @Command(name = "analytics", mixinStandardHelpOptions = true,
            description = "Completion records/s through the SLO analytics job (bounded, MiniCluster, embedded broker).")
    static final class Analytics implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--completions", paramLabel = "N", defaultValue = "1000000", description = "Completion records (default: ${DEFAULT-VALUE}).")
        int completions;

        @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
        int parallelism;


        @picocli.CommandLine.Mixin
        Output output;

        @Override
        public Integer call() throws Exception {
            Options.require(spec, completions >= 1000 && completions <= InputChecks.MAX_REQUESTS, "--completions",
                    completions, "must be between 1000 and " + (long) InputChecks.MAX_REQUESTS);
            Options.require(spec, parallelism >= 1 && parallelism <= 64, "--parallelism", parallelism, "must be between 1 and 64");
            try (RunDirectory held = workDir(output.out)) {
                return measure(held.path().resolve("analytics"));
            }
        }

        private int measure(Path dir) throws Exception {
            Map<String, Object> r = new LinkedHashMap<>();
            try (ResourceMeter meter = new ResourceMeter();
                 EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dir.resolve("tmp"))) {
                io.cmbench.jobs.KafkaTopics topics = io.cmbench.jobs.KafkaTopics.prefixed("bench");
                KafkaTopicAdmin.createTopics(broker.bootstrapServers(), new Properties(), List.of(topics.completions(),
                        topics.sloWindows(), topics.deadLetter()), Math.max(2, parallelism));
                if (!output.json) {
                    System.out.printf("publishing %,d synthetic completions ...%n", completions);
                }
                CompletionPublisher.publish(broker.bootstrapServers(), new Properties(), topics.completions(),
                        syntheticCompletions(completions));
                io.cmbench.jobs.AnalyticsJobConfig job = new io.cmbench.jobs.AnalyticsJobConfig(broker.bootstrapServers(),
                        topics, 10_000_000L, 0L, io.cmbench.jobs.AnalyticsJobConfig.HOLD_UNTIL_END, 0L, SloSpec.defaults(),
                        true, new Properties());
                if (!output.json) {
                    System.out.println("SLO analytics job ...");
                }
                double cpu0 = meter.cpuSecondsUsed();
                long t0 = System.nanoTime();
                double netSeconds = io.cmbench.jobs.SloAnalyticsJob.runOnKafka(
                        FlinkLocal.environment(parallelism, dir.resolve("tmp")), job).getNetRuntime() / 1e3;
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cpu = meter.cpuSecondsUsed() - cpu0;
                r.put("completions", completions);
                r.put("job_seconds", seconds);
                r.put("completions_per_s", completions / seconds);
                r.put("job_net_seconds", netSeconds);
                r.put("completions_per_s_net", completions / netSeconds);
                r.put("cores_used", cpu / seconds);
                r.put("cores", Runtime.getRuntime().availableProcessors());
                r.put("peak_rss_mb", meter.peakRssMb());
            }
            if (output.json) {
                System.out.println(JSON.writeValueAsString(r));
            } else {
                System.out.printf("%n%-26s %,d%n", "completions", r.get("completions"));
                System.out.printf("%-26s %.1f s (MiniCluster start included)%n", "analytics job", r.get("job_seconds"));
                System.out.printf("%-26s %,.0f%n", "completions/s", r.get("completions_per_s"));
                System.out.printf("%-26s %.1f of %d%n", "cores used", r.get("cores_used"), r.get("cores"));
                System.out.printf("%-26s %.1f%n", "JIT compiling (s)", r.get("jit_compile_seconds"));
                System.out.printf("%-26s %.0f MB%n", "peak RSS (JVM + broker)", r.get("peak_rss_mb"));
            }
            return 0;
        }

        /** Completions over 100 simulated seconds of one scenario, with seeded latencies. */
        static List<io.cmbench.schemas.Completion> syntheticCompletions(int n) {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
            List<io.cmbench.schemas.Completion> out = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long arrival = 100_000_000L * i / n;
                long first = arrival + 40_000 + rnd.nextLong(60_000);
                long last = first + 255L * (12_000 + rnd.nextLong(40_000));
                out.add(io.cmbench.schemas.Completion.newBuilder().setScenario("bench")
                        .setRequestId(io.cmbench.loadgen.RequestStream.requestId(i)).setArrivalTimeMicros(arrival)
                        .setPromptTokens(4096).setOutputTokens(256).setPrefillStartMicros(arrival).setPrefillEndMicros(first)
                        .setKvTransferEndMicros(first).setFirstTokenMicros(first).setLastTokenMicros(last)
                        .setDecodeInstance(0).setDecodeDie(i % 320).setPrefillNpus(96).setDecodeNpus(160).build());
            }
            return out;
        }
    }
}
