package io.cmbench.cli;

import static io.cmbench.cli.HostileInputPipelineTest.bytes;
import static io.cmbench.cli.HostileInputPipelineTest.decode;
import static io.cmbench.cli.HostileInputPipelineTest.heartbeat;
import static io.cmbench.cli.HostileInputPipelineTest.id;
import static io.cmbench.cli.HostileInputPipelineTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.cli.HostileInputPipelineTest.Run;
import io.cmbench.cli.HostileInputPipelineTest.Written;
import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import io.cmbench.cluster.kafka.KafkaTopicAdmin;
import io.cmbench.cluster.kafka.TopicReader;
import io.cmbench.jobs.EmulationJobConfig;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.KafkaTopics;
import io.cmbench.jobs.ServingEmulationJob;
import io.cmbench.jobs.serde.Envelope;
import io.cmbench.jobs.serde.EnvelopeTypeInfo;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.schemas.Completion;
import io.cmbench.schemas.DeadLetter;
import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.RequestEvent;
import io.cmbench.schemas.RequestRules;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input across a failure: the emulation job on a MiniCluster with checkpointing and exactly-once sinks reads a
 * real requests topic with late, too-far-ahead and duplicate records at fixed offsets; one run is undisturbed, in the
 * other a task fails once a checkpoint taken well into the topic has completed, and the job restarts from it.
 * Completions and dead letters must be identical: the partitions' positions (what a record is late or ahead of) are
 * restored with their offsets. Were they not, each partition would start afresh at 0 after the restart and every
 * record after the restored offset would be refused as too far ahead.
 */
@Tag("integration")
class HostileInputRecoveryTest {
    private static final long STEP_MICROS = 30_000L;
    private static final int VALID = 2_000;
    private static final long LAST_ARRIVAL_MICROS = (VALID - 1) * STEP_MICROS;
    private static final long ALLOWANCE_MICROS = 3_000_000L;
    private static final long MAX_LEAD = RequestRules.DEFAULT_MAX_LEAD_MICROS;
    /** The fault comes after the first checkpoint that had read past this (a third of the topic, far past the lead). */
    private static final long FAULT_AFTER_MICROS = 20_000_000L;
    private static final String REQUESTS = "recovery.requests";

    @TempDir
    Path tmp;

    /** Valid records alternating between two partitions; a hostile one after every 50th, of four kinds in turn. */
    static List<Written> topic() {
        List<Written> w = new ArrayList<>();
        for (int i = 0; i < VALID; i++) {
            int p = i % 2;
            long at = i * STEP_MICROS;
            w.add(new Written(p, bytes(request(id(i), at)), null, null, null));
            if (i % 50 != 25) {
                continue;
            }
            switch ((i / 50) % 4) {
                case 0 -> w.add(new Written(p, bytes(request("late-" + i, at - 500_000L)), "validate",
                        "arrivalTimeMicros", "late: arrival " + (at - 500_000L) + " is before arrival " + at
                                + " already read from partition " + p));
                case 1 -> w.add(new Written(p, bytes(request("ahead-" + i, at + MAX_LEAD + 1)), "validate",
                        "arrivalTimeMicros", "too far ahead: arrival " + (at + MAX_LEAD + 1)
                                + " is more than the max lead of " + MAX_LEAD + " us after partition " + p
                                + "'s position " + at));
                // in order in its own partition; the original (the other partition, 30 ms earlier) is kept
                case 2 -> w.add(new Written(p, bytes(request(id(i - 1), at)), "dedup", "requestId",
                        "duplicate requestId '" + id(i - 1) + "'"));
                default -> w.add(new Written(p, bytes(heartbeat(at + MAX_LEAD + 1)), "validate", "arrivalTimeMicros",
                        "too far ahead: arrival " + (at + MAX_LEAD + 1)));
            }
        }
        for (int p = 0; p < 2; p++) { // the generator's final heartbeat, on every partition
            w.add(new Written(p, bytes(heartbeat(LAST_ARRIVAL_MICROS)), null, null, null));
        }
        return w;
    }

    @Test
    void hostileInputGivesTheSameOutputWithAndWithoutAFailureInBetween() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.of(0, tmp))) {
            String bootstrap = broker.bootstrapServers();
            KafkaTopicAdmin.createTopics(bootstrap, new Properties(), List.of(REQUESTS), 2);
            List<Written> topic = topic();
            List<long[]> offsets = HostileInputPipelineTest.write(bootstrap, REQUESTS, topic);

            Run undisturbed = run(bootstrap, "undisturbed", false);
            assertThat(FaultAfterCheckpoint.FAILED.get()).isFalse();
            Run recovered = run(bootstrap, "recovered", true);
            assertThat(FaultAfterCheckpoint.FAILED.get()).as("the fault was injected").isTrue();
            assertThat(FaultAfterCheckpoint.RESTORED_AT_MICROS.get())
                    .as("the job restarted from a checkpoint taken well into the topic, with records left to read")
                    .isGreaterThanOrEqualTo(FAULT_AFTER_MICROS).isLessThan(LAST_ARRIVAL_MICROS - 20_000_000L);

            // what the undisturbed run must be: every valid request once, every hostile record with its reason
            List<String> expectedIds = new ArrayList<>();
            for (int i = 0; i < VALID; i++) {
                expectedIds.add(id(i));
            }
            assertThat(undisturbed.completions()).extracting(Completion::getRequestId)
                    .containsExactlyElementsOf(expectedIds);
            List<String> hostile = new ArrayList<>();
            for (int i = 0; i < topic.size(); i++) {
                if (topic.get(i).hostile()) {
                    hostile.add(offsets.get(i)[0] + "/" + offsets.get(i)[1] + " " + topic.get(i).stage());
                }
            }
            assertThat(hostile).hasSize(40);
            assertThat(undisturbed.deadLetters()).extracting(d -> d.getSourcePartition() + "/" + d.getSourceOffset()
                    + " " + d.getStage()).containsExactlyInAnyOrderElementsOf(hostile);
            for (DeadLetter d : undisturbed.deadLetters()) {
                Written w = HostileInputPipelineTest.writtenAt(topic, offsets, d.getSourcePartition(), d.getSourceOffset());
                assertThat(d.getReason()).as("reason of %s", d).contains(w.reason());
            }

            // first in short (a readable difference), then byte for byte
            assertThat(recovered.deadLetters()).extracting(HostileInputRecoveryTest::brief)
                    .as("dead letters after the failure")
                    .containsExactlyElementsOf(undisturbed.deadLetters().stream().map(HostileInputRecoveryTest::brief).toList());
            assertThat(recovered.completions()).extracting(Completion::getRequestId)
                    .containsExactlyElementsOf(expectedIds);
            assertThat(recovered.deadLetters().toString()).isEqualTo(undisturbed.deadLetters().toString());
            assertThat(recovered.completions().toString()).as("completions after the failure")
                    .isEqualTo(undisturbed.completions().toString());
        }
    }

    private static String brief(DeadLetter d) {
        return d.getSourcePartition() + "/" + d.getSourceOffset() + " " + d.getStage() + ": " + d.getReason();
    }

    private Run run(String bootstrap, String name, boolean fault) throws Exception {
        KafkaTopics out = KafkaTopics.prefixed("recovery-" + name);
        KafkaTopics topics = new KafkaTopics(REQUESTS, out.completions(), out.steps(), out.sloWindows(), out.deadLetter());
        KafkaTopicAdmin.createTopics(bootstrap, new Properties(),
                List.of(topics.completions(), topics.steps(), topics.deadLetter()), 2);
        EmulationJobConfig cfg = new EmulationJobConfig(bootstrap, topics, List.of(ScenarioSpec.paperDefault()), 7L,
                EmulationMode.FULL, true, new Properties()).withHorizon(LAST_ARRIVAL_MICROS, ALLOWANCE_MICROS).validate();

        StreamExecutionEnvironment env = FlinkLocal.environment(2, tmp.resolve(name));
        env.enableCheckpointing(100); // and with it exactly-once sinks: output committed with each checkpoint
        Configuration restart = new Configuration();
        restart.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        env.configure(restart);
        FaultAfterCheckpoint.reset(fault);
        var requests = ServingEmulationJob.requests(env, cfg)
                .map(new FaultAfterCheckpoint(), EnvelopeTypeInfo.INSTANCE).name("fault").uid("fault");
        ServingEmulationJob.sinks(env, cfg, ServingEmulationJob.build(requests, cfg));
        long t0 = System.nanoTime();
        env.execute("hostile input, " + name);
        System.out.printf("HostileInputRecoveryTest %s: job ran %.1f s, restored from %d us%n", name,
                (System.nanoTime() - t0) / 1e9, FaultAfterCheckpoint.RESTORED_AT_MICROS.get());

        List<Completion> completions = new ArrayList<>(TopicReader.readAll(bootstrap, new Properties(),
                topics.completions(), b -> decode(() -> Completion.fromByteBuffer(ByteBuffer.wrap(b)))));
        completions.sort(Comparator.comparing(Completion::getScenario).thenComparing(Completion::getRequestId));
        List<DeadLetter> dead = new ArrayList<>(TopicReader.readAll(bootstrap, new Properties(), topics.deadLetter(),
                b -> decode(() -> DeadLetter.fromByteBuffer(ByteBuffer.wrap(b)))));
        dead.sort(Comparator.comparingInt(DeadLetter::getSourcePartition).thenComparingLong(DeadLetter::getSourceOffset)
                .thenComparing(DeadLetter::getStage));
        return new Run(completions, dead);
    }

    /**
     * Chained right behind the source, passing records on unchanged. When armed, it fails its task once, on the first
     * record after a checkpoint completes that it had taken past {@link #FAULT_AFTER_MICROS}. It also paces the
     * reading (1 ms per record of wall time, 20 ms once armed and past the mark until the fault) so that checkpoints
     * come while the topic is being read and the fault falls soon after the mark; pacing decides only where the fault
     * falls, never what the job outputs.
     */
    static final class FaultAfterCheckpoint
            implements MapFunction<Envelope, Envelope>, CheckpointedFunction, CheckpointListener {
        static final AtomicBoolean ARMED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        /** The latest arrival read before the checkpoint the job restarted from; -1 until a restore. */
        static final AtomicLong RESTORED_AT_MICROS = new AtomicLong(-1);

        private final Map<Long, Long> readUpToByCheckpoint = new HashMap<>();
        private transient ListState<Long> readUpTo;
        private long readUpToMicros = -1;
        private boolean failNext;

        static void reset(boolean arm) {
            ARMED.set(arm);
            FAILED.set(false);
            RESTORED_AT_MICROS.set(-1);
        }

        @Override
        public Envelope map(Envelope e) throws Exception {
            boolean awaitingFault = ARMED.get() && !FAILED.get() && readUpToMicros >= FAULT_AFTER_MICROS;
            Thread.sleep(awaitingFault ? 20 : 1);
            if (failNext && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected fault (HostileInputRecoveryTest)");
            }
            if (e.valid()) {
                readUpToMicros = Math.max(readUpToMicros, e.eventTime);
            }
            return e;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
            readUpTo.update(List.of(readUpToMicros));
            readUpToByCheckpoint.put(ctx.getCheckpointId(), readUpToMicros);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            Long upTo = readUpToByCheckpoint.remove(checkpointId);
            if (ARMED.get() && upTo != null && upTo >= FAULT_AFTER_MICROS) {
                failNext = true;
            }
        }

        @Override
        public void initializeState(FunctionInitializationContext ctx) throws Exception {
            readUpTo = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<>("read-up-to", Types.LONG));
            if (ctx.isRestored()) {
                for (Long t : readUpTo.get()) {
                    readUpToMicros = Math.max(readUpToMicros, t);
                    RESTORED_AT_MICROS.accumulateAndGet(t, Math::max);
                }
            }
        }
    }
}
