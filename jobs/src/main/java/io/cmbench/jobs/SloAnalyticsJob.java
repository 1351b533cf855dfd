package io.cmbench.jobs;

import io.cmbench.jobs.analytics.LateToDeadLetter;
import io.cmbench.jobs.analytics.LocalWindowAggregator;
import io.cmbench.jobs.analytics.MergePartials;
import io.cmbench.jobs.analytics.PartialWindowAssigner;
import io.cmbench.jobs.analytics.WindowPartial;
import io.cmbench.jobs.analytics.WindowPartialSerializer;
import io.cmbench.jobs.analytics.SloAggregate;
import io.cmbench.jobs.analytics.SloMetrics;
import io.cmbench.jobs.analytics.SloWindowFunction;
import io.cmbench.jobs.analytics.WindowAccumulatorTypeInfo;
import io.cmbench.jobs.emulation.Stages;
import io.cmbench.jobs.serde.AvroTypeInfo;
import io.cmbench.jobs.serde.Envelope;
import io.cmbench.jobs.serde.EnvelopeDeserializer;
import io.cmbench.jobs.serde.EnvelopeWatermarks;
import io.cmbench.schemas.Completion;
import io.cmbench.schemas.DeadLetter;
import io.cmbench.schemas.SloWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.ParameterTool;

/**
 * SLO analytics: event-time windows of completions (by lastTokenMicros), keyed by scenario. Works on emulated and
 * measured completions alike.
 */
public final class SloAnalyticsJob {
    private SloAnalyticsJob() {}

    public static final OutputTag<Completion> LATE =
            new OutputTag<>("late-completions", AvroTypeInfo.forClass(Completion.class));
    /** Partials the keyed window stage found late: cannot happen (partials precede their watermark); counted if it does. */
    static final OutputTag<WindowPartial> LATE_PARTIALS = new OutputTag<>("late-partials", WindowPartialSerializer.TYPE);

    /**
     * @param windows one record per (scenario, window) with at least one completion; with allowed lateness a window
     *     may re-fire — the latest record per (scenario, windowStartMicros) wins
     * @param late completions that missed all their windows
     * @param deadLetters late completions and (Kafka input) undecodable or impossible records, as dead letters
     */
    public record AnalyticsStreams(DataStream<SloWindow> windows, DataStream<Completion> late,
                                   DataStream<DeadLetter> deadLetters) {}

    /** Event time = lastTokenMicros, with the configured out-of-orderness (or none until the end of input). */
    public static WatermarkStrategy<Completion> watermarks(AnalyticsJobConfig cfg) {
        WatermarkStrategy<Completion> base = cfg.outOfOrdernessMicros() == AnalyticsJobConfig.HOLD_UNTIL_END
                ? WatermarkStrategy.noWatermarks()
                // a Flink "millisecond" is a simulated µs
                : WatermarkStrategy.forBoundedOutOfOrderness(Duration.ofMillis(cfg.outOfOrdernessMicros()));
        return base.withTimestampAssigner((c, previous) -> c.getLastTokenMicros());
    }

    /** Assigns event time from lastTokenMicros, then {@link #build}. For in-memory completion streams. */
    public static AnalyticsStreams buildWithEventTime(DataStream<Completion> completions, AnalyticsJobConfig cfg) {
        return build(completions.assignTimestampsAndWatermarks(watermarks(cfg)).name("completion-timestamps"), cfg);
    }

    /**
     * Wires the windows.
     *
     * @param completions completions carrying event-time timestamps = lastTokenMicros and watermarks
     */
    public static AnalyticsStreams build(DataStream<Completion> completions, AnalyticsJobConfig cfg) {
        List<SloSpec> slos = cfg.slos();
        // Flink timestamps are simulated µs: Duration.ofMillis(x) below means x simulated MICROseconds.
        WindowAssigner<Object, TimeWindow> assigner = cfg.sliding()
                ? SlidingEventTimeWindows.of(Duration.ofMillis(cfg.windowSizeMicros()), Duration.ofMillis(cfg.slideMicros()))
                : TumblingEventTimeWindows.of(Duration.ofMillis(cfg.windowSizeMicros()));
        // Two phases: each subtask folds its completions into per-window partials (no per-record shuffle), then one
        // keyed window per scenario merges them. Late handling happens in the first phase, on the completions.
        SingleOutputStreamOperator<WindowPartial> partials = completions
                .transform("slo-window-partials", WindowPartialSerializer.TYPE, new LocalWindowAggregator(assigner,
                        cfg.allowedLatenessMicros(), new SloAggregate(slos), LATE))
                .uid("slo-window-partials");
        SingleOutputStreamOperator<SloWindow> windows = partials
                .keyBy(WindowPartial::scenario, Types.STRING)
                .window(new PartialWindowAssigner())
                .allowedLateness(Duration.ofMillis(cfg.allowedLatenessMicros()))
                .sideOutputLateData(LATE_PARTIALS)
                .aggregate(new MergePartials(slos.size()), new SloWindowFunction(slos), WindowAccumulatorTypeInfo.INSTANCE,
                        WindowAccumulatorTypeInfo.INSTANCE, AvroTypeInfo.forClass(SloWindow.class))
                .name("slo-windows").uid("slo-windows").setMaxParallelism(JobSettings.MAX_PARALLELISM);
        DataStream<Completion> late = partials.getSideOutput(LATE);
        String topic = cfg.topics().completions();
        DataStream<DeadLetter> deadLetters = late
                .map(new LateToDeadLetter(topic), AvroTypeInfo.forClass(DeadLetter.class))
                .name("late-completions").uid("late-completions")
                .union(windows.getSideOutput(LATE_PARTIALS)
                        .map(p -> LateToDeadLetter.forPartial(p, topic), AvroTypeInfo.forClass(DeadLetter.class))
                        .name("late-partials").uid("late-partials"));
        return new AnalyticsStreams(windows, late, deadLetters);
    }

    /** Splits classified completion records: usable ones decoded (timestamps kept), the rest to dead letters. */
    static final class DecodeCompletions extends ProcessFunction<Envelope, Completion> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(Envelope e, Context ctx, Collector<Completion> out) throws Exception {
            if (e.kind == Envelope.Kind.COMPLETION) {
                out.collect(e.completion());
            } else {
                ctx.output(Stages.DEAD_LETTERS, Stages.deadLetter("decode-completion", e, e.field,
                        e.reason == null ? "not a completion record: " + e.kind : e.reason));
            }
        }
    }

    /** Reads the completions topic, computes the windows, writes them and the dead letters; blocks until done. */
    public static JobExecutionResult runOnKafka(StreamExecutionEnvironment env, AnalyticsJobConfig cfg) throws Exception {
        cfg.validate();
        ServingEmulationJob.requireReachable(cfg.bootstrapServers(), cfg.kafkaProperties());
        // No defensive copy of every completion between chained operators: no function here modifies its input or
        // keeps a reference to it after returning (the window totals copy what they merge).
        env.getConfig().enableObjectReuse();
        KafkaTopics t = cfg.topics();
        // Watermarks per partition from the payload's lastTokenMicros. A streaming run must not wait forever for a
        // partition that gets no completions (few scenarios, low load): after a wall-clock pause it is idle.
        WatermarkStrategy<Envelope> watermarks = EnvelopeWatermarks.strategy(cfg.outOfOrdernessMicros());
        if (!cfg.bounded()) {
            watermarks = watermarks.withIdleness(Duration.ofSeconds(30));
        }
        DataStream<Envelope> raw = env.fromSource(
                ServingEmulationJob.kafkaSource(cfg.bootstrapServers(), t.completions(), t.analyticsGroupId(),
                        cfg.bounded(), cfg.kafkaProperties(), EnvelopeDeserializer.Payload.COMPLETION),
                watermarks, "completions").uid("completions-source");
        SingleOutputStreamOperator<Completion> completions = raw
                .process(new DecodeCompletions(), AvroTypeInfo.forClass(Completion.class))
                .name("decode-completions").uid("decode-completions");
        AnalyticsStreams out = build(completions, cfg);
        out.windows()
                .map(new SloMetrics(), AvroTypeInfo.forClass(SloWindow.class)).name("slo-metrics").uid("slo-metrics")
                .sinkTo(ServingEmulationJob.kafkaSink(env, "analytics", cfg.bootstrapServers(), t.sloWindows(), SloWindow.class,
                SloWindow::getScenario, cfg.kafkaProperties())).name("slo-windows-sink").uid("slo-windows-sink");
        out.deadLetters().union(completions.getSideOutput(Stages.DEAD_LETTERS))
                .sinkTo(ServingEmulationJob.kafkaSink(env, "analytics", cfg.bootstrapServers(), t.deadLetter(), DeadLetter.class,
                        DeadLetter::getStage, cfg.kafkaProperties())).name("dead-letter-sink").uid("dead-letter-sink");
        return env.execute("cmbench SLO analytics");
    }

    /**
     * Cluster entry ({@code flink run -c io.cmbench.jobs.SloAnalyticsJob}). Options: {@code --bootstrap} (required),
     * {@code --bounded}, {@code --window-micros} (10 s), {@code --slide-micros} (0 = tumbling),
     * {@code --out-of-orderness-micros} (bounded: -1 = hold until end; else 5 s), {@code --allowed-lateness-micros}
     * (0), {@code --slos tpot15,tpot50}, {@code --parallelism}, topic options and {@code --kafka.<property>} as for
     * the emulation job.
     */
    public static void main(String[] args) throws Exception {
        ParameterTool p = ParameterTool.fromArgs(args);
        AnalyticsJobConfig cfg = parseArgs(p);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (p.has("parallelism")) {
            env.setParallelism((int) JobArgs.getLong(p, "parallelism", 1));
        }
        ServingEmulationJob.configureCheckpointing(env, p);
        runOnKafka(env, cfg);
    }

    static AnalyticsJobConfig parseArgs(ParameterTool p) {
        boolean bounded = JobArgs.flag(p, "bounded");
        AnalyticsJobConfig d = AnalyticsJobConfig.defaults(JobArgs.required(p, "bootstrap"), bounded);
        List<SloSpec> slos = new ArrayList<>();
        if (p.has("slos")) {
            for (String s : p.get("slos").split(",")) {
                slos.add(SloSpec.parse(s));
            }
        } else {
            slos.addAll(d.slos());
        }
        return new AnalyticsJobConfig(d.bootstrapServers(), JobArgs.topics(p),
                JobArgs.getLong(p, "window-micros", d.windowSizeMicros()),
                JobArgs.getLong(p, "slide-micros", d.slideMicros()),
                JobArgs.getLong(p, "out-of-orderness-micros", d.outOfOrdernessMicros()),
                JobArgs.getLong(p, "allowed-lateness-micros", d.allowedLatenessMicros()),
                slos, bounded, JobArgs.kafka(p)).validate();
    }
}
