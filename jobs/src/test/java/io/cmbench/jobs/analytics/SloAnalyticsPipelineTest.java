package io.cmbench.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cmbench.jobs.AnalyticsJobConfig;
import io.cmbench.jobs.KafkaTopics;
import io.cmbench.jobs.LatencyHistograms;
import io.cmbench.jobs.SloAnalyticsJob;
import io.cmbench.jobs.SloSpec;
import io.cmbench.jobs.TestData;
import io.cmbench.jobs.serde.AvroTypeInfo;
import io.cmbench.schemas.Completion;
import io.cmbench.schemas.DeadLetter;
import io.cmbench.schemas.LatencySummary;
import io.cmbench.schemas.SloResult;
import io.cmbench.schemas.SloWindow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
class SloAnalyticsPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension MINI = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final long SEC = 1_000_000L;
    // tpot15, tpot50, and one nobody meets (TTFT <= 1 µs binds one-token requests too)
    static final List<SloSpec> SLOS = List.of(SloSpec.parse("tpot15"), SloSpec.parse("tpot50"),
            SloSpec.parse("tpot0.001+ttft0.001"));

    static Completion completion(String scenario, String id, long arrival, long first, long last, int prompt, int out,
                                 int decodeNpus, int prefillNpus) {
        return Completion.newBuilder().setScenario(scenario).setRequestId(id).setArrivalTimeMicros(arrival)
                .setPromptTokens(prompt).setOutputTokens(out).setPrefillStartMicros(arrival).setPrefillEndMicros(first)
                .setKvTransferEndMicros(first).setFirstTokenMicros(first).setLastTokenMicros(last)
                .setPrefillNpus(prefillNpus).setDecodeNpus(decodeNpus).build();
    }

    /** Completions of scenarios A and B in [0, 1 s) and [2 s, 3.5 s): the window [1 s, 2 s) is empty. */
    static List<Completion> completions() {
        SplittableRandom rng = new SplittableRandom(99);
        List<Completion> out = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String s = i % 3 == 0 ? "B" : "A";
            int n = i % 17 == 0 ? 1 : 2 + rng.nextInt(300);
            long tpot = 5_000 + rng.nextLong(60_000); // 5..65 ms
            long ttft = 2 + rng.nextLong(3 * SEC);
            long decode = n == 1 ? 0 : tpot * (n - 1) + rng.nextLong(n - 1);
            long last = (i % 2 == 0 ? 0 : 2 * SEC) + rng.nextLong(i % 2 == 0 ? SEC : 3 * SEC / 2);
            long first = last - decode;
            long arrival = first - ttft;
            if (arrival < 0) { // keep times non-negative
                first -= arrival;
                last -= arrival;
                arrival = 0;
                if (last >= SEC && last < 2 * SEC) {
                    continue;
                }
            }
            Completion c = completion(s, "r" + i, arrival, first, last, 100 + rng.nextInt(3000), n,
                    s.equals("A") ? 4 : 8, s.equals("A") ? 2 : 0);
            // decode dies (instance 0..2, die -1..4); die -1 = no decode die (finished by the prefill, measured)
            c.setDecodeInstance(i / 6 % 3);
            c.setDecodeDie(i % 6 - 1);
            out.add(c);
        }
        // boundary cases: last token exactly at a window start belongs to that window
        out.add(completion("A", "edge", 2 * SEC - 40_000, 2 * SEC - 20_000, 2 * SEC, 10, 3, 4, 2));
        Collections.shuffle(out, new java.util.Random(5));
        return out;
    }

    static AnalyticsJobConfig config(long size, long slide, long ooo, boolean bounded) {
        return new AnalyticsJobConfig("unused:9092", KafkaTopics.defaults(), size, slide, ooo, 0, SLOS, bounded,
                new Properties()).validate();
    }

    static List<SloWindow> runWindows(List<Completion> in, AnalyticsJobConfig cfg) throws Exception {
        StreamExecutionEnvironment env = TestData.noKryoEnvironment(2);
        var out = SloAnalyticsJob.buildWithEventTime(env.fromData(in, AvroTypeInfo.forClass(Completion.class)), cfg);
        List<SloWindow> windows = new ArrayList<>();
        try (CloseableIterator<SloWindow> it = out.windows().collectAsync();
             CloseableIterator<Completion> late = out.late().collectAsync()) {
            env.execute("analytics-test");
            it.forEachRemaining(windows::add);
            assertThat(late.hasNext()).as("nothing is late when holding the watermark until the end").isFalse();
        }
        windows.sort(Comparator.comparing((SloWindow w) -> w.getScenario()).thenComparingLong(SloWindow::getWindowStartMicros));
        return windows;
    }

    // ---------- the independent computation (plain Java, straight from the metric definitions) ----------

    record Expected(String scenario, long start, long end, List<Completion> members) {}

    static List<Expected> expectedWindows(List<Completion> all, long size, long slide) {
        long step = slide == 0 ? size : slide;
        Map<String, Map<Long, List<Completion>>> groups = new TreeMap<>();
        for (Completion c : all) {
            long t = c.getLastTokenMicros();
            for (long start = Math.floorDiv(t, step) * step; start > t - size; start -= step) {
                groups.computeIfAbsent(c.getScenario(), k -> new TreeMap<>())
                        .computeIfAbsent(start, k -> new ArrayList<>()).add(c);
            }
        }
        List<Expected> out = new ArrayList<>();
        groups.forEach((s, m) -> m.forEach((start, cs) -> out.add(new Expected(s, start, start + size, cs))));
        return out;
    }

    static boolean meets(SloSpec slo, Completion c) {
        double ttft = c.getFirstTokenMicros() - c.getArrivalTimeMicros();
        if (slo.ttftBoundMicros() >= 0 && ttft > slo.ttftBoundMicros()) {
            return false;
        }
        if (c.getOutputTokens() == 1) {
            return true;
        }
        double tpot = (double) (c.getLastTokenMicros() - c.getFirstTokenMicros()) / (c.getOutputTokens() - 1);
        return tpot <= slo.tpotBoundMicros();
    }

    static long nearestRank(List<Long> sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(1, rank) - 1);
    }

    static void assertLatency(LatencySummary s, List<Long> values) {
        Collections.sort(values);
        assertThat(s.getCount()).isEqualTo(values.size());
        if (values.isEmpty()) {
            return;
        }
        assertClose(s.getP50Micros(), nearestRank(values, 50));
        assertClose(s.getP90Micros(), nearestRank(values, 90));
        assertClose(s.getP99Micros(), nearestRank(values, 99));
        assertClose(s.getP999Micros(), nearestRank(values, 99.9));
        assertClose(s.getMaxMicros(), values.get(values.size() - 1));
        assertThat(LatencyHistograms.decode(s.getHistogram()).getTotalCount()).isEqualTo(values.size());
    }

    /** HdrHistogram with 3 significant digits reports the bucket's highest equivalent value: within 0.1 %. */
    static void assertClose(long actual, long exact) {
        assertThat((double) actual).isCloseTo(exact, within(exact * 0.001 + 1));
    }

    static void assertWindowsMatch(List<SloWindow> actual, List<Expected> expected) {
        assertThat(actual).extracting(w -> w.getScenario() + "@" + w.getWindowStartMicros())
                .containsExactlyElementsOf(expected.stream().map(e -> e.scenario() + "@" + e.start()).toList());
        for (int i = 0; i < expected.size(); i++) {
            SloWindow w = actual.get(i);
            Expected e = expected.get(i);
            List<Completion> cs = e.members();
            double seconds = (e.end() - e.start()) / 1e6;
            int dNpus = cs.get(0).getDecodeNpus();
            int pNpus = cs.get(0).getPrefillNpus();
            long outTokens = cs.stream().mapToLong(Completion::getOutputTokens).sum();
            long promptTokens = cs.stream().mapToLong(Completion::getPromptTokens).sum();
            assertThat(w.getWindowEndMicros()).isEqualTo(e.end());
            assertThat(w.getCompletedRequests()).isEqualTo(cs.size());
            assertThat(w.getOutputTokens()).isEqualTo(outTokens);
            assertThat(w.getPromptTokens()).isEqualTo(promptTokens);
            assertThat(w.getDecodeNpus()).isEqualTo(dNpus);
            assertThat(w.getOutputTokensPerSecPerNpu()).isCloseTo(outTokens / seconds / dNpus, within(1e-9));
            assertThat(w.getPrefillTokensPerSecPerNpu())
                    .isCloseTo(pNpus == 0 ? 0.0 : promptTokens / seconds / pNpus, within(1e-9));
            for (int k = 0; k < SLOS.size(); k++) {
                SloSpec slo = SLOS.get(k);
                SloResult r = w.getSlos().get(k);
                List<Completion> good = cs.stream().filter(c -> meets(slo, c)).toList();
                long goodTokens = good.stream().mapToLong(Completion::getOutputTokens).sum();
                assertThat(r.getName()).isEqualTo(slo.name());
                assertThat(r.getGoodRequests()).as(slo.name()).isEqualTo(good.size());
                assertThat(r.getGoodOutputTokens()).isEqualTo(goodTokens);
                assertThat(r.getGoodputTokensPerSecPerNpu()).isCloseTo(goodTokens / seconds / dNpus, within(1e-9));
                assertThat(r.getRequestGoodputPerSec()).isCloseTo(good.size() / seconds, within(1e-9));
                assertThat(r.getAttainment()).isCloseTo((double) good.size() / cs.size(), within(1e-12));
            }
            assertThat(w.getSlos().get(2).getGoodRequests()).as("nobody meets TTFT <= 1 µs").isZero();
            List<Long> ttft = new ArrayList<>();
            List<Long> tpot = new ArrayList<>();
            List<Long> e2e = new ArrayList<>();
            for (Completion c : cs) {
                ttft.add(c.getFirstTokenMicros() - c.getArrivalTimeMicros());
                e2e.add(c.getLastTokenMicros() - c.getArrivalTimeMicros());
                if (c.getOutputTokens() >= 2) {
                    tpot.add(Math.round((double) (c.getLastTokenMicros() - c.getFirstTokenMicros()) / (c.getOutputTokens() - 1)));
                }
            }
            assertLatency(w.getTtft(), ttft);
            assertLatency(w.getTpot(), tpot);
            assertLatency(w.getE2e(), e2e);
            // die load: output tokens per (decodeInstance, decodeDie) seen in the window, die -1 not counted
            Map<List<Integer>, Long> perDie = new java.util.HashMap<>();
            for (Completion c : cs) {
                if (c.getDecodeDie() >= 0) {
                    perDie.merge(List.of(c.getDecodeInstance(), c.getDecodeDie()), (long) c.getOutputTokens(), Long::sum);
                }
            }
            io.cmbench.schemas.DieLoad d = w.getDieLoad();
            assertThat(d.getDies()).isEqualTo(perDie.size());
            if (perDie.isEmpty()) {
                assertThat(d.getMinTokens()).isZero();
                assertThat(d.getMeanTokens()).isZero();
                assertThat(d.getMaxTokens()).isZero();
            } else {
                assertThat(d.getMinTokens()).isEqualTo(Collections.min(perDie.values()));
                assertThat(d.getMaxTokens()).isEqualTo(Collections.max(perDie.values()));
                assertThat(d.getMeanTokens()).isCloseTo(
                        perDie.values().stream().mapToLong(Long::longValue).sum() / (double) perDie.size(), within(1e-9));
            }
        }
    }

    @Test
    void tumblingWindowsMatchAnIndependentComputation() throws Exception {
        List<Completion> in = completions();
        List<SloWindow> windows = runWindows(in, config(SEC, 0, AnalyticsJobConfig.HOLD_UNTIL_END, true));
        List<Expected> expected = expectedWindows(in, SEC, 0);
        assertWindowsMatch(windows, expected);
        // the empty window [1 s, 2 s) yields no record; one-token requests are counted but have no TPOT
        assertThat(windows).noneMatch(w -> w.getWindowStartMicros() == SEC);
        assertThat(windows).extracting(SloWindow::getWindowStartMicros).contains(0L, 2 * SEC, 3 * SEC);
        assertThat(windows).anySatisfy(w -> assertThat(w.getTpot().getCount()).isLessThan(w.getCompletedRequests()));
        // the data exercise the die load: windows with many unevenly loaded dies and completions without a die,
        // and (sparse tail windows) windows whose completions have no die at all
        assertThat(windows).anySatisfy(w -> {
            assertThat(w.getDieLoad().getDies()).isGreaterThan(10);
            assertThat(w.getDieLoad().getMinTokens()).isLessThan(w.getDieLoad().getMaxTokens());
            assertThat(w.getDieLoad().getMeanTokens() * w.getDieLoad().getDies()).isLessThan(w.getOutputTokens());
        });
        assertThat(windows).anySatisfy(w -> assertThat(w.getDieLoad().getDies()).isZero());
    }

    @Test
    void slidingWindowsMatchAnIndependentComputation() throws Exception {
        List<Completion> in = completions();
        List<SloWindow> windows = runWindows(in, config(SEC, SEC / 4, AnalyticsJobConfig.HOLD_UNTIL_END, true));
        assertWindowsMatch(windows, expectedWindows(in, SEC, SEC / 4));
    }

    @Test
    void mergedWindowHistogramsEqualTheHistogramOfTheUnion() throws Exception {
        List<Completion> in = completions();
        List<SloWindow> windows = runWindows(in, config(SEC / 2, 0, AnalyticsJobConfig.HOLD_UNTIL_END, true));
        Histogram merged = LatencyHistograms.merge(windows.stream().filter(w -> w.getScenario().equals("A"))
                .map(w -> io.cmbench.jobs.serde.Envelope.toBytes(w.getE2e().getHistogram())).toList());
        Histogram union = LatencyHistograms.newHistogram();
        in.stream().filter(c -> c.getScenario().equals("A"))
                .forEach(c -> union.recordValue(c.getLastTokenMicros() - c.getArrivalTimeMicros()));
        assertThat(counts(merged)).isEqualTo(counts(union));
        assertThat(merged.getTotalCount()).isEqualTo(in.stream().filter(c -> c.getScenario().equals("A")).count());
    }

    static Map<Long, Long> counts(Histogram h) {
        Map<Long, Long> m = new TreeMap<>();
        for (HistogramIterationValue v : h.recordedValues()) {
            m.put(v.getValueIteratedTo(), v.getCountAtValueIteratedTo());
        }
        return m;
    }

    /** Watermark = timestamp of every record, so lateness is deterministic in the test. */
    static WatermarkStrategy<Completion> punctuated() {
        return WatermarkStrategy.<Completion>forGenerator(ctx -> new WatermarkGenerator<>() {
            @Override
            public void onEvent(Completion c, long ts, WatermarkOutput out) {
                out.emitWatermark(new Watermark(ts));
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput out) {}
        }).withTimestampAssigner((c, p) -> c.getLastTokenMicros());
    }

    @Test
    void lateCompletionsGoToTheSideOutputAndTheDeadLetters() throws Exception {
        List<Completion> in = List.of(
                completion("A", "on-time", 0, 50, 100, 10, 3, 4, 2),
                completion("A", "later", 0, 2_400_000, 2_500_000, 10, 3, 4, 2),
                completion("A", "late", 0, 100, 200, 10, 3, 4, 2));
        StreamExecutionEnvironment env = TestData.noKryoEnvironment(1);
        var out = SloAnalyticsJob.build(env.fromData(in, AvroTypeInfo.forClass(Completion.class)).assignTimestampsAndWatermarks(punctuated()), config(SEC, 0, 0, false));
        List<SloWindow> windows = new ArrayList<>();
        List<Completion> late = new ArrayList<>();
        List<DeadLetter> dead = new ArrayList<>();
        try (var w = out.windows().collectAsync(); var l = out.late().collectAsync(); var d = out.deadLetters().collectAsync()) {
            env.execute("late-test");
            w.forEachRemaining(windows::add);
            l.forEachRemaining(late::add);
            d.forEachRemaining(dead::add);
        }
        assertThat(late).extracting(Completion::getRequestId).containsExactly("late");
        assertThat(dead).singleElement().satisfies(x -> {
            assertThat(x.getStage()).isEqualTo("slo-window");
            assertThat(x.getField()).isEqualTo("lastTokenMicros");
            assertThat(Completion.getDecoder().decode(x.getPayload()).getRequestId()).isEqualTo("late");
        });
        assertThat(windows).filteredOn(x -> x.getWindowStartMicros() == 0).singleElement()
                .satisfies(x -> assertThat(x.getCompletedRequests()).isEqualTo(1));
    }
}
