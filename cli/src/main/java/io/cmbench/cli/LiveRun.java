package io.cmbench.cli;

import io.cmbench.cluster.kafka.KafkaTopicAdmin;
import io.cmbench.jobs.AnalyticsJobConfig;
import io.cmbench.jobs.EmulationJobConfig;
import io.cmbench.jobs.KafkaTopics;
import io.cmbench.loadgen.KafkaRequestPublisher;
import io.cmbench.loadgen.PublishMode;
import io.cmbench.loadgen.RequestStream;
import io.cmbench.loadgen.WorkloadSpec;
import io.cmbench.schemas.RequestRules;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code cmbench run --live}: the generator paced on the wall clock at {@code speed} times real time, the emulation
 * and a live SLO analytics job running unbounded at the same time, each SLO window printed as it closes. The run ends
 * at the end of its span ({@code --duration}, simulated seconds) or on Ctrl-C: the generator stops, drain heartbeats
 * ({@link LiveSchedule}) let every request in flight complete, the emulation is stopped with a drain, and the run ends
 * as any run does ({@link EmbeddedRun}: bounded analytics over the completions, summary, report).
 *
 * <p>Results: the completions are those of the bounded run of the same seed and config (same stream; heartbeats carry
 * no request; every stage orders its work by event time), and so are the windows and summary.json, computed by the
 * same bounded analytics. The live windows (topic {@code PREFIX.live-slo-windows}, deleted at the end) are a view: a
 * completion more than {@link #LIVE_OUT_OF_ORDERNESS_WALL_SECONDS} (at the run's speed) behind its partition misses
 * its live row. The emulation
 * runs open-ended (no declared last arrival: it cannot know when Ctrl-C comes), which accepts the same records for
 * a generated workload.
 */
final class LiveRun implements EmbeddedRun.Feed {
    /**
     * How far behind its partition's latest a completion may be and still count in the live windows, in wall-clock
     * time: the decode subtasks writing one partition are that close at most (their watermarks move together), and
     * every window waits this long past its end before it closes.
     */
    static final double LIVE_OUT_OF_ORDERNESS_WALL_SECONDS = 2.0;

    /** What a caller can follow: the soak samples the cluster while the run goes on. */
    interface Observer {
        /** Both jobs run and the generator starts pacing now ({@code pacingStartMillis}, epoch ms). */
        default void pacing(LiveJobs jobs, long pacingStartMillis) {}

        /** The generator stopped and the drain is over; the jobs are about to stop. */
        default void drained() {}
    }

    /**
     * What happened in wall-clock time, for the soak's report (not part of the run's results).
     *
     * @param pacingStartMillis epoch ms at which simulated time 0 was paced
     * @param completionsSeen completion records read while the run went on (every one: duplicates count)
     */
    record Facts(double speed, long pacingStartMillis, long requests, long lastArrivalMicros, boolean interrupted,
                 long completionsSeen, List<LiveWindows.Appearance> windows) {}

    private final RunConfig cfg;
    private final double speed;
    private final boolean openEnded;
    private final PrintStream out;
    private final Observer observer;
    private Facts facts;

    /** @param openEnded no {@code --duration}: the run goes on until Ctrl-C (or the span's limit) */
    LiveRun(RunConfig cfg, double speed, boolean openEnded, PrintStream out, Observer observer) {
        this.cfg = cfg;
        this.speed = speed;
        this.openEnded = openEnded;
        this.out = out;
        this.observer = observer;
    }

    /**
     * The span of a live run without --duration, which ends on Ctrl-C: a day of simulated time, or less where the
     * run's bounds (10^8 requests) would refuse it — at most 5 x 10^7 requests.
     */
    static double openEndedSeconds(double requestsPerSecond) {
        return Math.floor(Math.min(86_400, 5e7 / requestsPerSecond));
    }

    EmbeddedRun.Result run() throws Exception {
        return new EmbeddedRun(cfg, out).run(this);
    }

    /** The run's wall-clock facts, once it has run. */
    Facts facts() {
        return facts;
    }

    /** The live view's own topics: its windows and its late completions, apart from the run's. */
    static KafkaTopics liveTopics(KafkaTopics run, String prefix) {
        return new KafkaTopics(run.requests(), run.completions(), run.steps(), prefix + ".live-slo-windows",
                prefix + ".live-dead-letter");
    }

    @Override
    public EmbeddedRun.Fed feed(String bootstrap, KafkaTopics topics, Map<String, Double> phases) throws Exception {
        KafkaTopics live = liveTopics(topics, cfg.topicPrefix());
        List<String> scratch = List.of(live.sloWindows(), live.deadLetter());
        // the prefix is this run's (its claim): a killed earlier run's scratch topics go
        KafkaTopicAdmin.deleteTopics(bootstrap, cfg.kafkaProperties(), scratch);
        KafkaTopicAdmin.createTopics(bootstrap, cfg.kafkaProperties(), scratch,
                cfg.infra().partitionsFor(cfg.parallelism()), cfg.infra().replicationFactor());
        try {
            return feedLive(bootstrap, topics, live, phases);
        } finally {
            KafkaTopicAdmin.deleteTopics(bootstrap, cfg.kafkaProperties(), scratch);
        }
    }

    private EmbeddedRun.Fed feedLive(String bootstrap, KafkaTopics topics, KafkaTopics live, Map<String, Double> phases)
            throws Exception {
        WorkloadSpec spec = cfg.workloadSpec();
        EmulationJobConfig base = cfg.emulationJob(bootstrap);
        EmulationJobConfig emulation = new EmulationJobConfig(base.bootstrapServers(), base.topics(), base.scenarios(),
                base.seed(), base.mode(), false, base.kafkaProperties(), base.policies())
                .withMaxLead(RequestRules.maxLeadCovering(spec.heartbeatIntervalMicros()));
        emulation.validate();
        AnalyticsJobConfig analytics = new AnalyticsJobConfig(bootstrap, live, cfg.windowMicros(), 0L,
                Math.round(LIVE_OUT_OF_ORDERNESS_WALL_SECONDS * 1e6 * speed), 0L, cfg.slos(), false, cfg.kafkaProperties());
        analytics.validate();
        List<String> sloNames = cfg.slos().stream().map(io.cmbench.jobs.SloSpec::name).toList();
        LiveWindows windows = new LiveWindows(cfg.quiet() ? null : out, sloNames);
        AtomicLong completions = new AtomicLong();
        int scenarios = cfg.scenarios().size();
        long drainLimitMicros = Math.max(60_000_000L, 6 * cfg.windowMicros());
        RequestStream stream = new RequestStream(spec, cfg.seed());
        try (LiveJobs jobs = LiveJobs.of(cfg); CtrlC ctrlC = new CtrlC(System.err); stream) {
            long t = System.nanoTime();
            say("starting the emulation and the live SLO analytics (unbounded) on %s ...", where());
            jobs.startEmulation(emulation);
            jobs.startAnalytics(analytics);
            phases.put("start jobs", secondsSince(t));
            if (!jobs.metricsEndpoints().isEmpty()) {
                say("Flink metrics for Prometheus (emulation, live analytics): %s",
                        String.join(", ", jobs.metricsEndpoints()));
            }
            LiveSchedule schedule = new LiveSchedule(stream, ctrlC.pressed(),
                    () -> completions.get() >= stream.requestsEmitted() * scenarios, drainLimitMicros, jobs::requireRunning);
            long pacingStart;
            try (TopicTail counter = new TopicTail(bootstrap, cfg.kafkaProperties(), topics.completions(),
                    (v, seen) -> completions.incrementAndGet());
                 TopicTail shown = new TopicTail(bootstrap, cfg.kafkaProperties(), live.sloWindows(), windows);
                 KafkaRequestPublisher publisher = new KafkaRequestPublisher(bootstrap, topics.requests(),
                         cfg.kafkaProperties())) {
                say("live: arrivals paced at %s x real time (seed %d), %s; each SLO window is printed as it closes", fmt(speed),
                        cfg.seed(), openEnded ? "until Ctrl-C" : String.format("%.0f simulated s (%.0f wall s), or until Ctrl-C",
                                cfg.durationSeconds(), cfg.durationSeconds() / speed));
                t = System.nanoTime();
                pacingStart = System.currentTimeMillis();
                observer.pacing(jobs, pacingStart);
                publisher.publish(schedule, PublishMode.LIVE, speed, null);
                phases.put("live", secondsSince(t));
                say("generated %,d requests up to %.1f simulated s%s; drained: %,d completions; stopping the jobs ...",
                        stream.requestsEmitted(), schedule.lastArrivalMicros() / 1e6,
                        ctrlC.pressed().get() ? " (stopped by Ctrl-C)" : "", completions.get());
                observer.drained();
                t = System.nanoTime();
                Path savepoints = Files.createDirectories(cfg.outDir().resolve("tmp").resolve("savepoints"));
                jobs.drainEmulation(savepoints);
                jobs.cancelAnalytics();
                phases.put("stop jobs", secondsSince(t));
            }
            facts = new Facts(speed, pacingStart, stream.requestsEmitted(), schedule.lastArrivalMicros(),
                    ctrlC.pressed().get(), completions.get(), windows.appearances());
            return new EmbeddedRun.Fed(stream.requestsEmitted(), schedule.lastArrivalMicros());
        }
    }

    private static String fmt(double x) {
        return x == Math.rint(x) ? String.format("%.0f", x) : Double.toString(x);
    }

    private String where() {
        return cfg.clusterRestAddress() == null ? "Flink MiniClusters" : "Flink session cluster " + cfg.clusterRestAddress();
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
