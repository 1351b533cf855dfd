package io.cmbench.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.EmulationJobConfig;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.FakeCostModel;
import io.cmbench.jobs.KafkaTopics;
import io.cmbench.jobs.CostModelFactory;
import io.cmbench.jobs.ServingEmulationJob;
import io.cmbench.jobs.TestData;
import io.cmbench.jobs.serde.Envelope;
import io.cmbench.jobs.serde.EnvelopeWatermarks;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.schemas.Completion;
import io.cmbench.schemas.DeadLetter;
import io.cmbench.schemas.EngineStep;
import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.Pool;
import io.cmbench.schemas.RequestEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
class EmulationPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension MINI = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    record Run(List<Completion> completions, List<EngineStep> steps, List<DeadLetter> deadLetters) {}

    static Run run(List<Envelope> input, EmulationJobConfig cfg, CostModelFactory models, int parallelism) throws Exception {
        return run(input, cfg, models, parallelism, env -> {});
    }

    static Run run(List<Envelope> input, EmulationJobConfig cfg, CostModelFactory models, int parallelism,
                   java.util.function.Consumer<StreamExecutionEnvironment> configure) throws Exception {
        StreamExecutionEnvironment env = TestData.noKryoEnvironment(parallelism);
        configure.accept(env);
        DataStream<Envelope> requests = env.fromData(input).assignTimestampsAndWatermarks(EnvelopeWatermarks.strategy(0));
        ServingEmulationJob.EmulationStreams out = ServingEmulationJob.build(requests, cfg, models);
        try (CloseableIterator<Completion> c = out.completions().collectAsync();
             CloseableIterator<EngineStep> s = out.steps().collectAsync();
             CloseableIterator<DeadLetter> d = out.deadLetters().collectAsync()) {
            env.execute("emulation-test");
            List<Completion> cs = new ArrayList<>();
            c.forEachRemaining(cs::add);
            List<EngineStep> ss = new ArrayList<>();
            s.forEachRemaining(ss::add);
            List<DeadLetter> ds = new ArrayList<>();
            d.forEachRemaining(ds::add);
            cs.sort(Comparator.comparing((Completion x) -> x.getScenario()).thenComparing(Completion::getRequestId));
            ss.sort(Comparator.comparing((EngineStep x) -> x.getScenario()).thenComparing(EngineStep::getPool)
                    .thenComparingInt(EngineStep::getInstance).thenComparingLong(EngineStep::getStartMicros));
            return new Run(cs, ss, ds);
        }
    }

    static EmulationJobConfig config(List<ScenarioSpec> scenarios, EmulationMode mode) {
        return new EmulationJobConfig("unused:9092", KafkaTopics.defaults(), scenarios, 7L, mode, true, new Properties())
                .validate();
    }

    static final List<ScenarioSpec> TWO_SCENARIOS = List.of(
            new ScenarioSpec("small-batch", "fake", "fake", "fake", 2),
            new ScenarioSpec("large-batch", "fake", "fake", "fake", 8));

    /** Fake model: 3 prefill instances, 2 decode instances of 2 NPUs x 2 dies; cap from the scenario; MTP 1 @ 0.7. */
    static CostModelFactory fakeModels() {
        return spec -> {
            int cap = spec.decodeBatchCapPerNpu();
            PoolLayout layout = new PoolLayout(3, 2, 4096, 2, 2, 2, cap, 50_000);
            return new FakeCostModel(layout, 2_000, 150, 500, 2, 300, 1, 0.7);
        };
    }

    @Test
    void sameCompletionsAndStepsAtParallelism1And2() throws Exception {
        List<RequestEvent> reqs = TestData.requests(400, 3_000, 120, 11);
        List<Envelope> input = new ArrayList<>(TestData.envelopes(reqs));
        // a heartbeat, an undecodable record and an impossible value
        long last = reqs.get(reqs.size() - 1).getArrivalTimeMicros();
        input.add(Envelope.of(RequestEvent.newBuilder().setKind(EventKind.HEARTBEAT).setRequestId("")
                .setArrivalTimeMicros(last + 10).setPromptTokens(0).setOutputTokens(0).build(), 10_000));
        input.add(Envelope.ofRequest("in-memory", 0, 10_001, new byte[] {1, 2, 3}));
        input.add(Envelope.of(TestData.request("bad", last + 20, -5, 3), 10_002));
        input.add(Envelope.of(RequestEvent.newBuilder(TestData.request("bad-prefix", last + 30, 100, 3))
                .setPrefixBlocks(List.of(1L, 2L, 3L)).setPrefixBlockTokens(64).build(), 10_003)); // 3rd starts past 100
        EmulationJobConfig cfg = config(TWO_SCENARIOS, EmulationMode.FULL);

        Run p1 = run(input, cfg, fakeModels(), 1);
        Run p2 = run(input, cfg, fakeModels(), 2);

        assertThat(p1.completions()).hasSize(2 * reqs.size());
        assertThat(p2.completions().toString()).isEqualTo(p1.completions().toString());
        assertThat(p2.steps().toString()).isEqualTo(p1.steps().toString());

        assertThat(p1.deadLetters()).hasSize(3);
        assertThat(p1.deadLetters()).anySatisfy(d -> {
            assertThat(d.getField()).isEqualTo("prefixBlocks");
            assertThat(d.getSourceOffset()).isEqualTo(10_003);
            assertThat(d.getPayload().remaining()).isPositive(); // the raw bytes travel with the reason
        });
        assertThat(p1.deadLetters()).anySatisfy(d -> assertThat(d.getReason()).contains("undecodable"));
        assertThat(p1.deadLetters()).anySatisfy(d -> {
            assertThat(d.getField()).isEqualTo("promptTokens");
            assertThat(d.getSourceOffset()).isEqualTo(10_002);
        });

        Map<String, RequestEvent> byId = reqs.stream().collect(Collectors.toMap(RequestEvent::getRequestId, r -> r));
        for (Completion c : p1.completions()) {
            RequestEvent r = byId.get(c.getRequestId());
            assertThat(c.getArrivalTimeMicros()).isEqualTo(r.getArrivalTimeMicros());
            assertThat(c.getOutputTokens()).isEqualTo(r.getOutputTokens());
            assertThat(c.getPrefillStartMicros()).isGreaterThanOrEqualTo(c.getArrivalTimeMicros());
            assertThat(c.getPrefillEndMicros()).isGreaterThan(c.getPrefillStartMicros());
            assertThat(c.getFirstTokenMicros()).as("first token after the KV transfer").isEqualTo(c.getKvTransferEndMicros());
            assertThat(c.getKvTransferEndMicros()).isEqualTo(c.getPrefillEndMicros() + (r.getOutputTokens() > 1 ? 300 : 0));
            assertThat(c.getLastTokenMicros()).isGreaterThanOrEqualTo(c.getKvTransferEndMicros());
            if (r.getOutputTokens() == 1) {
                assertThat(c.getLastTokenMicros()).isEqualTo(c.getFirstTokenMicros());
            }
            assertThat(c.getDecodeNpus()).isEqualTo(4);
            assertThat(c.getPrefillNpus()).isEqualTo(6);
        }
        // the smaller batch cap queues more at decode and takes longer
        long small = p1.completions().stream().filter(c -> c.getScenario().equals("small-batch"))
                .mapToLong(Completion::getDecodeQueueMicros).sum();
        long large = p1.completions().stream().filter(c -> c.getScenario().equals("large-batch"))
                .mapToLong(Completion::getDecodeQueueMicros).sum();
        assertThat(small).isGreaterThan(large);
        // every decode step respects the batch cap of its scenario (cap x 2 NPUs)
        assertThat(p1.steps()).filteredOn(s -> s.getPool() == Pool.DECODE && s.getScenario().equals("small-batch"))
                .allSatisfy(s -> assertThat(s.getSequences()).isBetween(1, 4));
        // decode steps sum to the decode tokens (mean MTP rate, so only approximately)
        long decodeTokens = reqs.stream().mapToLong(r -> r.getOutputTokens() - 1).sum();
        long stepTokens = p1.steps().stream().filter(s -> s.getPool() == Pool.DECODE && s.getScenario().equals("large-batch"))
                .mapToLong(EngineStep::getTokens).sum();
        assertThat((double) stepTokens).isCloseTo(decodeTokens, org.assertj.core.data.Percentage.withPercentage(5));
    }

    @Test
    void decodeOnlyModeIsDeterministicAcrossParallelism() throws Exception {
        List<Envelope> input = TestData.envelopes(TestData.requests(200, 2_000, 60, 5));
        EmulationJobConfig cfg = config(TWO_SCENARIOS, EmulationMode.DECODE_ONLY);
        Run p1 = run(input, cfg, fakeModels(), 1);
        Run p2 = run(input, cfg, fakeModels(), 2);
        assertThat(p1.completions()).hasSize(400);
        assertThat(p2.completions().toString()).isEqualTo(p1.completions().toString());
        assertThat(p1.completions()).allSatisfy(c -> {
            assertThat(c.getPrefillEndMicros()).isEqualTo(c.getArrivalTimeMicros());
            assertThat(c.getFirstTokenMicros()).isGreaterThan(c.getArrivalTimeMicros());
        });
        assertThat(p1.steps()).noneMatch(s -> s.getPool() == Pool.PREFILL);
    }

    @Test
    void paperDefaultCostModelRunsEndToEnd() throws Exception {
        List<RequestEvent> reqs = TestData.requests(150, 20_000, 400, 3);
        EmulationJobConfig cfg = config(List.of(ScenarioSpec.paperDefault()), EmulationMode.FULL);
        Run p1 = run(TestData.envelopes(reqs), cfg, CostModelFactory.fromScenarioSpec(), 2);
        assertThat(p1.deadLetters()).isEmpty();
        assertThat(p1.completions()).hasSize(reqs.size());
        var layout = ScenarioSpec.paperDefault().costModel().layout();
        assertThat(p1.completions()).allSatisfy(c -> {
            assertThat(c.getScenario()).isEqualTo("cloudmatrix384");
            assertThat(c.getDecodeNpus()).isEqualTo(layout.decodeNpus());
            assertThat(c.getPrefillNpus()).isEqualTo(layout.prefillNpus());
            assertThat(c.getLastTokenMicros()).isGreaterThanOrEqualTo(c.getFirstTokenMicros());
            assertThat(c.getFirstTokenMicros()).isGreaterThan(c.getArrivalTimeMicros());
        });
        assertThat(p1.steps()).anyMatch(s -> s.getPool() == Pool.DECODE);
        // determinism of the real model path as well
        Run again = run(TestData.envelopes(reqs), cfg, CostModelFactory.fromScenarioSpec(), 1);
        assertThat(again.completions().toString()).isEqualTo(p1.completions().toString());
    }
}
