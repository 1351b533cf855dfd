package io.cmbench.jobs;

import io.cmbench.jobs.emulation.ContextCacheFunction;
import io.cmbench.jobs.emulation.DecodePoolFunction;
import io.cmbench.jobs.emulation.EmulationKeys;
import io.cmbench.jobs.emulation.InstanceRouterFunction;
import io.cmbench.jobs.emulation.KvTransferFunction;
import io.cmbench.jobs.emulation.PrefillInstanceFunction;
import io.cmbench.jobs.emulation.PrefillOnlyCompletion;
import io.cmbench.jobs.emulation.RequestJob;
import io.cmbench.jobs.emulation.Stages;
import io.cmbench.jobs.emulation.DuplicateRequestIds;
import io.cmbench.jobs.emulation.DuplicateRequestIdsOperator;
import io.cmbench.jobs.emulation.FanOutToScenarios;
import io.cmbench.jobs.emulation.ValidateRequests;
import io.cmbench.jobs.serde.AvroKafkaSerializer;
import io.cmbench.jobs.serde.AvroTypeInfo;
import io.cmbench.jobs.serde.Envelope;
import io.cmbench.jobs.serde.EnvelopeDeserializer;
import io.cmbench.jobs.serde.EnvelopeTypeInfo;
import io.cmbench.jobs.serde.EnvelopeWatermarks;
import io.cmbench.jobs.source.PartitionOrderSource;
import io.cmbench.model.Calibration;
import io.cmbench.schemas.Completion;
import io.cmbench.schemas.DeadLetter;
import io.cmbench.schemas.EngineStep;
import io.cmbench.schemas.RequestRules;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Emulates disaggregated LLM serving (EMS context cache, prefill pool, KV transfer, decode pool with continuous
 * batching) on a hardware cost model, per scenario, in event time = simulated time.
 *
 * <p>Stages (FULL mode): validate (the source has already judged the run's time horizon, and lateness and lead within
 * each partition) → one request per id (keyed by request id) → fan-out to scenarios (and the fleet's supernode, a
 * stateless hash) → context cache keyed by (scenario, supernode, cache shard) ({@link ContextCacheFunction}: why its
 * write-backs become visible after a declared delay) → router keyed by (scenario, supernode)
 * ({@link InstanceRouterFunction}: prefill and decode instance) → prefill keyed by (scenario, prefill instance) → KV
 * transfer → decode pool keyed by (scenario, decode instance). DECODE_ONLY: validate → one per id → fan-out → router →
 * decode pool (the router only when a supernode has more than one decode instance to choose from). PREFILL_ONLY: validate → one per id → fan-out → cache → router → prefill → one-token completions. Every
 * keyed stage's keys are spread evenly over the subtasks ({@link EmulationKeys}), so one scenario's work spreads over
 * the parallelism as far as it has shards, supernodes and instances.
 *
 * <p>Time: Flink timestamps, watermarks and timers carry simulated MICROSECONDS directly (a Flink "millisecond" is
 * a simulated µs). Nothing in the results depends on the wall clock. Every stage buffers its arrivals in keyed
 * state and handles them on event-time timers in (timestamp, requestId) order, so the output is identical at any
 * parallelism.
 */
public final class ServingEmulationJob {
    private ServingEmulationJob() {}

    /** The job's outputs. */
    public record EmulationStreams(DataStream<Completion> completions, DataStream<EngineStep> steps,
                                   DataStream<DeadLetter> deadLetters) {}

    /** {@link #build(DataStream, EmulationJobConfig, CostModelFactory)} with the real cost models. */
    public static EmulationStreams build(DataStream<Envelope> requests, EmulationJobConfig cfg) {
        return build(requests, cfg, CostModelFactory.fromScenarioSpec());
    }

    /**
     * Wires the emulation onto a request stream.
     *
     * @param requests classified request records ({@link Envelope#ofRequest}) carrying event-time timestamps
     *     (arrival µs) and watermarks, e.g. from {@link EnvelopeWatermarks#requests()}
     */
    public static EmulationStreams build(DataStream<Envelope> requests, EmulationJobConfig cfg, CostModelFactory costModels) {
        var scenarios = cfg.scenarios();
        // No defensive copy of each record between chained operators (a completion's Avro deep copy into its sink
        // showed in the decode pool's profile): every stage emits a record it no longer holds or changes, and the
        // one chained stage that changes its input (kv-transfer) gets a job the prefill instance has let go of.
        requests.getExecutionEnvironment().getConfig().enableObjectReuse();
        SingleOutputStreamOperator<Envelope> valid = requests
                .process(new ValidateRequests(), EnvelopeTypeInfo.INSTANCE)
                .name("validate").uid("validate");
        SingleOutputStreamOperator<Envelope> unique = valid
                .keyBy(e -> e.request().getRequestId(), Types.STRING)
                .transform("dedup", EnvelopeTypeInfo.INSTANCE, new DuplicateRequestIdsOperator(new DuplicateRequestIds(
                        cfg.arrivalHorizonMicros(), cfg.lastArrivalMicros() != EmulationJobConfig.NO_LAST_ARRIVAL)))
                .name("dedup").uid("dedup").setMaxParallelism(JobSettings.MAX_PARALLELISM);
        SingleOutputStreamOperator<RequestJob> jobs = unique
                .process(new FanOutToScenarios(scenarios, cfg.policiesList(), costModels, cfg.mode()), Stages.JOB_TYPE)
                .name("fanout").uid("fanout");
        DataStream<DeadLetter> deadLetters = valid.getSideOutput(Stages.DEAD_LETTERS)
                .union(unique.getSideOutput(Stages.DEAD_LETTERS), jobs.getSideOutput(Stages.DEAD_LETTERS));
        TypeInformation<Completion> completionType = AvroTypeInfo.forClass(Completion.class);

        EmulationKeys keys = EmulationKeys.of(scenarios, costModels, JobSettings.MAX_PARALLELISM);
        DataStream<Completion> completions;
        DataStream<EngineStep> steps;
        switch (cfg.mode()) {
            case PREFILL_ONLY -> {
                SingleOutputStreamOperator<RequestJob> prefilled = prefill(jobs, cfg, costModels, keys);
                steps = prefilled.getSideOutput(Stages.STEPS);
                completions = prefilled.map(new PrefillOnlyCompletion(scenarios, costModels), completionType)
                        .name("prefill-completions").uid("prefill-completions");
            }
            case DECODE_ONLY -> {
                // a supernode with one decode instance has no choice to make: fan-out names it (FanOutToScenarios)
                DataStream<RequestJob> routed = keys.decodeChoiceNeeded() ? route(jobs, cfg, costModels, keys) : jobs;
                SingleOutputStreamOperator<Completion> decoded = decode(routed, cfg, costModels, keys);
                steps = decoded.getSideOutput(Stages.STEPS);
                completions = decoded;
            }
            default -> {
                SingleOutputStreamOperator<RequestJob> prefilled = prefill(jobs, cfg, costModels, keys);
                DataStream<RequestJob> transferred = prefilled
                        .map(new KvTransferFunction(scenarios, costModels), Stages.JOB_TYPE)
                        .name("kv-transfer").uid("kv-transfer");
                SingleOutputStreamOperator<Completion> decoded = decode(transferred, cfg, costModels, keys);
                steps = prefilled.getSideOutput(Stages.STEPS).union(decoded.getSideOutput(Stages.STEPS));
                completions = decoded;
            }
        }
        return new EmulationStreams(completions, steps, deadLetters);
    }

    /** Context cache → supernode router → prefill instances. */
    private static SingleOutputStreamOperator<RequestJob> prefill(DataStream<RequestJob> jobs, EmulationJobConfig cfg,
                                                                  CostModelFactory costModels, EmulationKeys keys) {
        DataStream<RequestJob> looked = jobs.keyBy(keys.cacheShard(), Types.LONG)
                .process(new ContextCacheFunction(cfg.scenarios(), cfg.policiesList(), costModels), Stages.JOB_TYPE)
                .name("context-cache").uid("context-cache").setMaxParallelism(JobSettings.MAX_PARALLELISM);
        return route(looked, cfg, costModels, keys).keyBy(keys.prefillInstance(), Types.LONG)
                .process(new PrefillInstanceFunction(cfg.scenarios(), costModels, cfg.mode()), Stages.JOB_TYPE)
                .name("prefill-instance").uid("prefill-instance").setMaxParallelism(JobSettings.MAX_PARALLELISM);
    }

    private static DataStream<RequestJob> route(DataStream<RequestJob> jobs, EmulationJobConfig cfg,
                                                CostModelFactory costModels, EmulationKeys keys) {
        return jobs.keyBy(keys.supernodeRouter(), Types.LONG)
                .process(new InstanceRouterFunction(cfg.scenarios(), cfg.policiesList(), costModels, cfg.mode()), Stages.JOB_TYPE)
                .name("router").uid("router").setMaxParallelism(JobSettings.MAX_PARALLELISM);
    }

    private static SingleOutputStreamOperator<Completion> decode(DataStream<RequestJob> jobs, EmulationJobConfig cfg,
                                                                 CostModelFactory costModels, EmulationKeys keys) {
        return jobs.keyBy(keys.decodeInstance(), Types.LONG)
                .process(new DecodePoolFunction(cfg.scenarios(), costModels, cfg.mode(), cfg.seed()),
                        AvroTypeInfo.forClass(Completion.class))
                .name("decode-pool").uid("decode-pool").setMaxParallelism(JobSettings.MAX_PARALLELISM);
    }

    /**
     * The requests source: earliest offsets; bounded at the offsets latest at job start when cfg.bounded(). Arrivals
     * after the run's horizon are invalid at the deserializer; arrivals late in their partition or more than
     * cfg.maxLeadMicros() ahead of it are judged next, with the partition's position checkpointed beside its offset
     * ({@link PartitionOrderSource}); both before the record can reach the partition's watermark generator.
     */
    public static PartitionOrderSource source(EmulationJobConfig cfg) {
        return new PartitionOrderSource(kafkaSource(cfg.bootstrapServers(), cfg.topics().requests(), cfg.topics().emulationGroupId(),
                cfg.bounded(), cfg.kafkaProperties(), new EnvelopeDeserializer(EnvelopeDeserializer.Payload.REQUEST,
                        cfg.arrivalHorizonMicros())), cfg.maxLeadMicros());
    }

    /**
     * The classified request records of the requests topic with their event-time timestamps and per-partition
     * watermarks: the input of {@link #build}.
     */
    public static DataStream<Envelope> requests(StreamExecutionEnvironment env, EmulationJobConfig cfg) {
        // Partitions are each in arrival-time order: per-partition punctuated watermarks with no out-of-orderness, in
        // steps (a record out of order in its partition, or too far ahead of it, is dead-lettered by the source).
        return env.fromSource(source(cfg), EnvelopeWatermarks.requests(), "requests").uid("requests-source");
    }

    /** Writes the job's outputs to their topics. */
    public static void sinks(StreamExecutionEnvironment env, EmulationJobConfig cfg, EmulationStreams out) {
        KafkaTopics t = cfg.topics();
        Properties props = cfg.kafkaProperties();
        String bs = cfg.bootstrapServers();
        out.completions().sinkTo(kafkaSink(env, "emulation", bs, t.completions(), Completion.class, Completion::getRequestId, props))
                .name("completions-sink").uid("completions-sink");
        out.steps().sinkTo(kafkaSink(env, "emulation", bs, t.steps(), EngineStep.class, EngineStep::getScenario, props))
                .name("steps-sink").uid("steps-sink");
        out.deadLetters().sinkTo(kafkaSink(env, "emulation", bs, t.deadLetter(), DeadLetter.class, DeadLetter::getStage, props))
                .name("dead-letter-sink").uid("dead-letter-sink");
    }

    static KafkaSource<Envelope> kafkaSource(String bootstrap, String topic, String groupId, boolean bounded,
                                             Properties props, EnvelopeDeserializer.Payload payload) {
        return kafkaSource(bootstrap, topic, groupId, bounded, props, new EnvelopeDeserializer(payload));
    }

    static KafkaSource<Envelope> kafkaSource(String bootstrap, String topic, String groupId, boolean bounded,
                                             Properties props, EnvelopeDeserializer deserializer) {
        KafkaSourceBuilder<Envelope> b = KafkaSource.<Envelope>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(deserializer)
                // upstream jobs write transactionally when checkpointing: read what they committed only
                .setProperty("isolation.level", "read_committed")
                .setProperties(props);
        if (bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /**
     * Kafka sink writing single-object-encoded Avro. With checkpointing on it is EXACTLY_ONCE: records go out in
     * Kafka transactions committed with each checkpoint, so a job recovering from a failure neither loses nor
     * duplicates output for read_committed consumers. Without checkpointing (quick embedded runs) AT_LEAST_ONCE.
     */
    static <T extends SpecificRecordBase> KafkaSink<T> kafkaSink(StreamExecutionEnvironment env, String sinkId,
                                                                 String bootstrap, String topic, Class<T> type,
                                                                 SerializableFunction<T, String> key, Properties props) {
        boolean exactlyOnce = env.getCheckpointConfig().isCheckpointingEnabled();
        Properties producer = new Properties();
        // A starved broker (a loaded machine) may answer after the default 30 s request timeout; a timed-out request
        // makes an idempotent producer reset its sequence numbers, which the broker then refuses. Wait longer.
        producer.setProperty("request.timeout.ms", "120000");
        producer.setProperty("delivery.timeout.ms", "300000");
        if (exactlyOnce) {
            // The broker refuses transactions longer than its max (15 min); Flink's default is 1 h.
            producer.setProperty("transaction.timeout.ms", "600000");
        }
        producer.putAll(props);
        KafkaSinkBuilder<T> b = KafkaSink.<T>builder()
                .setBootstrapServers(bootstrap)
                .setKafkaProducerConfig(producer)
                .setDeliveryGuarantee(exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(new AvroKafkaSerializer<>(topic, type, key));
        if (exactlyOnce) {
            // Stable across restarts of the job (recovery finds and aborts its own lingering transactions), distinct per
            // sink and topic: two jobs writing the same topic at once must use different topic names.
            b.setTransactionalIdPrefix("cmbench-" + sinkId + "-" + topic);
        }
        return b.build();
    }

    /**
     * Fails fast, naming the address, when no Kafka broker answers: a Kafka source would otherwise retry for
     * minutes before the job fails with a message about partitions.
     */
    static void requireReachable(String bootstrap, Properties props) {
        Properties p = new Properties();
        p.putAll(props);
        p.put("bootstrap.servers", bootstrap);
        p.put("request.timeout.ms", "5000");
        p.put("default.api.timeout.ms", "10000");
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            admin.describeCluster().nodes().get(15, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable c = e;
            while (c.getCause() != null) {
                c = c.getCause();
            }
            throw new IllegalStateException("Kafka at " + bootstrap + " is unreachable (" + c.getClass().getSimpleName()
                    + (c.getMessage() == null ? "" : ": " + c.getMessage()) + ")"); // no cause: this is the message to show
        }
    }

    /**
     * {@code --checkpoint-interval-ms N} (0 or absent = off): checkpointing, and with it exactly-once sinks;
     * {@code --state-backend hashmap|rocksdb} (default hashmap). See {@link JobSettings}.
     */
    static void configureCheckpointing(StreamExecutionEnvironment env, ParameterTool p) {
        JobSettings.checkpointing(env, JobArgs.getLong(p, "checkpoint-interval-ms", 0));
        JobSettings.stateBackend(env, p.get("state-backend", JobSettings.HASHMAP));
    }

    /** Reads the requests topic, runs the emulation, writes completions, steps and dead letters; blocks until done. */
    public static JobExecutionResult runOnKafka(StreamExecutionEnvironment env, EmulationJobConfig cfg) throws Exception {
        cfg.validate();
        requireReachable(cfg.bootstrapServers(), cfg.kafkaProperties());
        sinks(env, cfg, build(requests(env, cfg), cfg));
        return env.execute("cmbench serving emulation (" + cfg.mode() + ", " + cfg.scenarios().size() + " scenarios)");
    }

    /**
     * Cluster entry. Options: {@code --bootstrap HOST:PORT} (required), {@code --seed N} (1), {@code --bounded},
     * {@code --mode FULL|DECODE_ONLY|PREFILL_ONLY}, {@code --scenarios FILE.yaml | paper | cm384-vs-h800 | fleet |
     * name:profile:model:deployment[:cap[:calibration]],...} (paper default; a YAML file carries the policies too),
     * {@code --calibration calibrated|physics} (the cost model variant of scenarios that name none; calibrated),
     * {@code --last-arrival-micros N} (the run's last arrival; absent = an open-ended run),
     * {@code --arrival-allowance-micros N} (how far past it arrivals are still accepted; 1 s),
     * {@code --max-lead-micros N} (how far a record may be ahead of its partition's latest arrival or heartbeat; 2 s),
     * {@code --parallelism N}, {@code --topic-requests|-completions|-steps|-dead-letter NAME},
     * {@code --kafka.<property> VALUE}.
     */
    public static void main(String[] args) throws Exception {
        ParameterTool p = ParameterTool.fromArgs(args);
        EmulationJobConfig cfg = parseArgs(p);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (p.has("parallelism")) {
            env.setParallelism((int) JobArgs.getLong(p, "parallelism", 1));
        }
        configureCheckpointing(env, p);
        runOnKafka(env, cfg);
    }

    static EmulationJobConfig parseArgs(ParameterTool p) {
        String mode = p.get("mode", "FULL");
        EmulationMode m;
        try {
            m = EmulationMode.valueOf(mode.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mode must be FULL, DECODE_ONLY or PREFILL_ONLY, got '" + mode + "'");
        }
        return EmulationJobConfig.of(JobArgs.required(p, "bootstrap"), JobArgs.topics(p),
                JobArgs.scenarios(p.get("scenarios"), p.get("calibration", Calibration.CALIBRATED_NAME)),
                JobArgs.getLong(p, "seed", 1L), m, JobArgs.flag(p, "bounded"), JobArgs.kafka(p))
                .withHorizon(JobArgs.getLong(p, "last-arrival-micros", EmulationJobConfig.NO_LAST_ARRIVAL),
                        JobArgs.getLong(p, "arrival-allowance-micros", EmulationJobConfig.DEFAULT_ARRIVAL_ALLOWANCE_MICROS))
                .withMaxLead(JobArgs.getLong(p, "max-lead-micros", RequestRules.DEFAULT_MAX_LEAD_MICROS))
                .validate();
    }
}
