package io.cmbench.jobs.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.CostModelFactory;
import io.cmbench.jobs.EmulationJobConfig;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.KafkaTopics;
import io.cmbench.jobs.ServingEmulationJob;
import io.cmbench.jobs.TestData;
import io.cmbench.jobs.serde.Envelope;
import io.cmbench.jobs.serde.EnvelopeWatermarks;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.ServingCostModel;
import io.cmbench.model.scenario.ScenarioPolicies;
import io.cmbench.model.scenario.ScenarioPolicies.Routing;
import io.cmbench.schemas.Completion;
import io.cmbench.schemas.EngineStep;
import io.cmbench.schemas.Pool;
import io.cmbench.schemas.RequestEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Flink job against {@link ServingOracle}: identical completions and engine steps, at parallelism 1 to 8, on
 * small scenarios with context-cache hits and evictions, both routing policies, prefill and decode queueing, a
 * saturated decode pool (batch cap and KV capacity binding) and a fleet of two supernodes.
 */
@Tag("integration")
class OracleComparisonTest {
    @RegisterExtension
    static final MiniClusterExtension MINI = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(8).build());

    /**
     * Exact-number model whose decode step depends on per-die batch AND KV (so KV accounting must match too):
     * step = 700 + 60 × max sequences per die + max KV per die / 40; prefill = 300 + 2 × uncached + cached / 8;
     * KV transfer = 100 + tokens / 20. MTP: 1 speculative token at 70 %.
     */
    record OracleModel(PoolLayout layout) implements ServingCostModel, Serializable {
        @Override
        public long decodeStepMicros(int[] seqs, long[] kv) {
            int maxS = 0;
            long maxKv = 0;
            for (int d = 0; d < seqs.length; d++) {
                maxS = Math.max(maxS, seqs[d]);
                maxKv = Math.max(maxKv, kv[d]);
            }
            return 700 + 60L * maxS + maxKv / 40;
        }

        @Override public int mtpSpeculativeTokens() { return 1; }
        @Override public double mtpAcceptance() { return 0.7; }

        @Override
        public long prefillBatchMicros(int[] prompt, int[] cached) {
            long t = 300;
            for (int i = 0; i < prompt.length; i++) {
                t += 2L * (prompt[i] - cached[i]) + cached[i] / 8;
            }
            return t;
        }

        @Override public long kvTransferMicros(int tokens) { return 100 + tokens / 20; }
        @Override public long cacheReadMicros(int tokens) { return 0; }
    }

    // 3 prefill instances (budget 6000 tokens), 2 decode instances of 1 NPU x 2 dies, cap 3 per NPU (2 per die),
    // KV capacity 7000 tokens per die (two long requests do not fit one die)
    static final CostModelFactory MODELS = spec -> new OracleModel(
            new PoolLayout(3, 2, 6000, 2, 1, 2, spec.decodeBatchCapPerNpu(), 7000));

    static final List<ScenarioSpec> SCENARIOS = List.of(
            new ScenarioSpec("least-loaded-lru", "fake", "fake", "fake", 3),
            new ScenarioSpec("round-robin-nocache", "fake", "fake", "fake", 6));

    static Map<String, ScenarioPolicies> policies() {
        Map<String, ScenarioPolicies> p = new LinkedHashMap<>();
        p.put("least-loaded-lru", new ScenarioPolicies(Routing.LEAST_LOADED, Routing.LEAST_LOADED, 60 * 128));
        p.put("round-robin-nocache", new ScenarioPolicies(Routing.ROUND_ROBIN, Routing.ROUND_ROBIN, 0));
        return p;
    }

    record Run(List<Completion> completions, List<EngineStep> steps) {}

    static Run flink(List<RequestEvent> reqs, EmulationJobConfig cfg, CostModelFactory models, int parallelism)
            throws Exception {
        return flink(reqs, cfg, models, parallelism, EnvelopeWatermarks.requests());
    }

    /** The job on {@code reqs} with the watermarks of {@code watermarks} (the job's own: {@link EnvelopeWatermarks#requests()}). */
    static Run flink(List<RequestEvent> reqs, EmulationJobConfig cfg, CostModelFactory models, int parallelism,
                     org.apache.flink.api.common.eventtime.WatermarkStrategy<Envelope> watermarks) throws Exception {
        StreamExecutionEnvironment env = TestData.noKryoEnvironment(parallelism);
        DataStream<Envelope> requests = env.fromData(TestData.envelopes(reqs)).assignTimestampsAndWatermarks(watermarks);
        ServingEmulationJob.EmulationStreams out = ServingEmulationJob.build(requests, cfg, models);
        try (CloseableIterator<Completion> c = out.completions().collectAsync();
             CloseableIterator<EngineStep> s = out.steps().collectAsync()) {
            env.execute("oracle-comparison");
            List<Completion> cs = new ArrayList<>();
            c.forEachRemaining(cs::add);
            List<EngineStep> ss = new ArrayList<>();
            s.forEachRemaining(ss::add);
            return sorted(new Run(cs, ss));
        }
    }

    /** The independent simulation of {@code cfg}'s scenarios, policies and mode on {@code reqs}, sorted. */
    static Run oracle(List<RequestEvent> reqs, EmulationJobConfig cfg, CostModelFactory models) {
        return sorted(new ServingOracle(cfg.scenarios(), cfg.policiesList(), models, cfg.mode(), 7L).run(reqs));
    }

    /** Two supernodes, each with 3 prefill instances and {@code decodePerSupernode} decode instances. */
    static CostModelFactory twoSupernodes(int decodePerSupernode) {
        return spec -> new OracleModel(new PoolLayout(6, 2, 6000, 2 * decodePerSupernode, 1, 2, spec.decodeBatchCapPerNpu(), 7000, 2));
    }

    static Run sorted(ServingOracle.Result r) {
        return sorted(new Run(r.completions(), r.steps()));
    }

    static Run sorted(Run r) {
        List<Completion> cs = new ArrayList<>(r.completions());
        cs.sort(Comparator.comparing((Completion x) -> x.getScenario()).thenComparing(Completion::getRequestId));
        List<EngineStep> ss = new ArrayList<>(r.steps());
        ss.sort(Comparator.comparing((EngineStep x) -> x.getScenario()).thenComparing(EngineStep::getPool)
                .thenComparingInt(EngineStep::getInstance).thenComparingLong(EngineStep::getStartMicros));
        return new Run(cs, ss);
    }

    static EmulationJobConfig config(List<ScenarioSpec> scenarios, EmulationMode mode, Map<String, ScenarioPolicies> p) {
        return new EmulationJobConfig("unused:9092", KafkaTopics.defaults(), scenarios, 7L, mode, true,
                new Properties(), p).validate();
    }

    static void assertSame(Run actual, Run expected) {
        assertThat(actual.completions()).hasSameSizeAs(expected.completions());
        for (int i = 0; i < expected.completions().size(); i++) {
            assertThat(actual.completions().get(i).toString()).as("completion %d", i)
                    .isEqualTo(expected.completions().get(i).toString());
        }
        assertThat(actual.steps()).hasSameSizeAs(expected.steps());
        for (int i = 0; i < expected.steps().size(); i++) {
            assertThat(actual.steps().get(i).toString()).as("step %d", i).isEqualTo(expected.steps().get(i).toString());
        }
    }

    @Test
    void fullModeMatchesTheOracleAtParallelism1And4() throws Exception {
        List<RequestEvent> reqs = TestData.requestsWithPrefixes(400, 900, 80, 12, 128, 21);
        EmulationJobConfig cfg = config(SCENARIOS, EmulationMode.FULL, policies());
        Run oracle = oracle(reqs, cfg, MODELS);

        // the scenarios exercise what they claim
        List<Completion> lru = oracle.completions().stream().filter(c -> c.getScenario().equals("least-loaded-lru")).toList();
        assertThat(lru).hasSize(400);
        long hits = lru.stream().filter(c -> c.getCacheHitTokens() > 0).count();
        assertThat(hits).as("requests with cache hits").isGreaterThan(60);
        long sessionRepeats = reqs.stream().filter(r -> !r.getPrefixBlocks().isEmpty()
                && r.getPrefixBlocks().get(0) < 7_000_000_000L).count();
        assertThat(hits).as("capacity 60 blocks evicts: fewer hits than reuse").isLessThan(sessionRepeats);
        assertThat(lru).extracting(Completion::getPrefillInstance).contains(0, 1, 2);
        assertThat(lru).extracting(Completion::getDecodeInstance).contains(0, 1);
        assertThat(lru.stream().mapToLong(Completion::getPrefillQueueMicros).max().orElse(0)).isPositive();
        assertThat(lru.stream().mapToLong(Completion::getDecodeQueueMicros).max().orElse(0))
                .as("decode saturated: queueing grows").isGreaterThan(100_000);
        assertThat(oracle.steps()).filteredOn(s -> s.getPool() == Pool.DECODE && s.getScenario().equals("least-loaded-lru"))
                .extracting(EngineStep::getSequences).contains(3);
        assertThat(oracle.completions()).filteredOn(c -> c.getScenario().equals("round-robin-nocache"))
                .allSatisfy(c -> assertThat(c.getCacheHitTokens()).isZero());

        Run p1 = flink(reqs, cfg, MODELS, 1);
        assertSame(p1, oracle);
        Run p4 = flink(reqs, cfg, MODELS, 4);
        assertSame(p4, oracle);
    }

    @Test
    void aFleetOfTwoSupernodesMatchesTheOracleAtParallelism1To8() throws Exception {
        // per supernode: 3 prefill instances, 2 decode instances
        CostModelFactory fleet = twoSupernodes(2);
        List<RequestEvent> reqs = TestData.requestsWithPrefixes(600, 700, 80, 12, 128, 33);
        EmulationJobConfig cfg = config(SCENARIOS, EmulationMode.FULL, policies());
        Run oracle = oracle(reqs, cfg, fleet);
        List<Completion> lru = oracle.completions().stream().filter(c -> c.getScenario().equals("least-loaded-lru")).toList();
        assertThat(lru).hasSize(600);
        assertThat(lru).extracting(Completion::getPrefillInstance).containsOnly(0, 1, 2, 3, 4, 5);
        assertThat(lru).extracting(Completion::getDecodeInstance).containsOnly(0, 1, 2, 3);
        // a request's prefill and decode instances are on the same supernode
        assertThat(lru).allSatisfy(c -> assertThat(c.getPrefillInstance() / 3).isEqualTo(c.getDecodeInstance() / 2));
        assertThat(lru).filteredOn(c -> c.getCacheHitTokens() > 0).hasSizeGreaterThan(40);
        for (int parallelism : new int[] {1, 2, 4, 8}) {
            assertSame(flink(reqs, cfg, fleet, parallelism), oracle);
        }
        // whatever the watermark's step: one per request, or one per simulated second
        assertSame(flink(reqs, cfg, fleet, 2, EnvelopeWatermarks.strategy(0, 1)), oracle);
        assertSame(flink(reqs, cfg, fleet, 4, EnvelopeWatermarks.strategy(0, 1_000_000)), oracle);
    }

    @Test
    void decodeOnlyAndPrefillOnlyModesMatchTheOracle() throws Exception {
        List<RequestEvent> reqs = TestData.requestsWithPrefixes(300, 1_500, 60, 8, 128, 5);
        for (EmulationMode mode : List.of(EmulationMode.DECODE_ONLY, EmulationMode.PREFILL_ONLY)) {
            EmulationJobConfig cfg = config(SCENARIOS, mode, policies());
            Run oracle = oracle(reqs, cfg, MODELS);
            assertThat(oracle.completions()).hasSize(600);
            assertSame(flink(reqs, cfg, MODELS, 4), oracle);
        }
    }

    @Test
    void decodeOnlyWithOneDecodeInstancePerSupernodeSkipsTheRouterAndMatchesTheOracle() throws Exception {
        // 2 supernodes, one decode instance each: the supernode names the instance, no router in the job
        CostModelFactory oneEach = twoSupernodes(1);
        List<RequestEvent> reqs = TestData.requestsWithPrefixes(400, 1_500, 60, 8, 128, 13);
        EmulationJobConfig cfg = config(SCENARIOS, EmulationMode.DECODE_ONLY, policies());
        Run oracle = oracle(reqs, cfg, oneEach);
        assertThat(oracle.completions()).hasSize(800).extracting(Completion::getDecodeInstance).containsOnly(0, 1);
        for (int parallelism : new int[] {1, 3}) {
            assertSame(flink(reqs, cfg, oneEach, parallelism), oracle);
        }
        assertThat(plan(cfg, oneEach)).doesNotContain("\"router\"").contains("\"decode-pool\"");
        assertThat(plan(cfg, MODELS)).as("two decode instances per supernode: a choice").contains("\"router\"");
    }

    /** The job's execution plan (JSON) on an empty input. */
    static String plan(EmulationJobConfig cfg, CostModelFactory models) {
        StreamExecutionEnvironment env = TestData.noKryoEnvironment(1);
        DataStream<Envelope> requests = env.fromData(TestData.envelopes(TestData.requestsWithPrefixes(1, 100, 60, 8, 128, 1)))
                .assignTimestampsAndWatermarks(EnvelopeWatermarks.strategy(0));
        ServingEmulationJob.EmulationStreams out = ServingEmulationJob.build(requests, cfg, models);
        out.completions().print();
        return env.getExecutionPlan();
    }

    @Test
    void scenariosAtTrafficSharesServeNestedSubsetsOfOneTraffic() throws Exception {
        List<RequestEvent> reqs = TestData.requestsWithPrefixes(400, 900, 80, 12, 128, 21);
        List<ScenarioSpec> shares = List.of(new ScenarioSpec("all", "fake", "fake", "fake", 3),
                new ScenarioSpec("share-60", "fake", "fake", "fake", 3), new ScenarioSpec("share-30", "fake", "fake", "fake", 3));
        Map<String, ScenarioPolicies> p = new LinkedHashMap<>();
        ScenarioPolicies base = new ScenarioPolicies(Routing.LEAST_LOADED, Routing.LEAST_LOADED, 60 * 128);
        p.put("all", base);
        p.put("share-60", base.withTrafficShare(0.6));
        p.put("share-30", base.withTrafficShare(0.3));
        EmulationJobConfig cfg = config(shares, EmulationMode.FULL, p);
        Run oracle = oracle(reqs, cfg, MODELS);
        java.util.function.Function<String, java.util.Set<String>> ids = name -> oracle.completions().stream()
                .filter(c -> c.getScenario().equals(name)).map(Completion::getRequestId)
                .collect(java.util.stream.Collectors.toSet());
        assertThat(ids.apply("all")).hasSize(400);
        // binomial(400, p): within 4 standard deviations
        assertThat(ids.apply("share-60").size()).isBetween(240 - 40, 240 + 40);
        assertThat(ids.apply("share-30").size()).isBetween(120 - 37, 120 + 37);
        assertThat(ids.apply("all")).containsAll(ids.apply("share-60"));
        assertThat(ids.apply("share-60")).containsAll(ids.apply("share-30"));
        assertSame(flink(reqs, cfg, MODELS, 4), oracle);
    }

    @Test
    void paperCostModelMatchesTheOracleAtParallelism1To8() throws Exception {
        // the real roofline model of the paper's deployment, default policies (EMS sized from DRAM)
        List<RequestEvent> reqs = TestData.requestsWithPrefixes(200, 20_000, 300, 6, 128, 9);
        List<ScenarioSpec> paper = List.of(ScenarioSpec.paperDefault());
        EmulationJobConfig cfg = config(paper, EmulationMode.FULL, Map.of());
        Run oracle = sorted(new ServingOracle(paper, cfg.policiesList(), CostModelFactory.fromScenarioSpec(),
                EmulationMode.FULL, 7L).run(reqs));
        assertThat(oracle.completions()).hasSize(200);
        assertThat(oracle.completions()).anySatisfy(c -> assertThat(c.getCacheHitTokens()).isPositive());
        assertThat(oracle.completions()).extracting(Completion::getPrefillInstance).containsOnly(0, 1, 2, 3, 4, 5);
        for (int parallelism : new int[] {1, 2, 4, 8}) {
            assertSame(flink(reqs, cfg, CostModelFactory.fromScenarioSpec(), parallelism), oracle);
        }
    }
}
