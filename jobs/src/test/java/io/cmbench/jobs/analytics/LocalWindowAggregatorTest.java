package io.cmbench.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.SloAnalyticsJob;
import io.cmbench.jobs.SloSpec;
import io.cmbench.schemas.Completion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The first phase of the window aggregation: when partials leave, and what counts as late. */
class LocalWindowAggregatorTest {
    static final long WINDOW = 1_000;

    OneInputStreamOperatorTestHarness<Completion, WindowPartial> harness(WindowAssigner<Object, TimeWindow> assigner,
                                                                        long latenessMicros) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new LocalWindowAggregator(assigner, latenessMicros,
                new SloAggregate(SloSpec.defaults()), SloAnalyticsJob.LATE));
        h.open();
        return h;
    }

    static LocalWindowAggregator operator(OneInputStreamOperatorTestHarness<Completion, WindowPartial> h) {
        return (LocalWindowAggregator) h.getOneInputOperator();
    }

    static StreamRecord<Completion> at(long lastTokenMicros, String scenario, int outputTokens) {
        Completion c = Completion.newBuilder().setScenario(scenario).setRequestId("r" + lastTokenMicros)
                .setArrivalTimeMicros(0).setPromptTokens(10).setOutputTokens(outputTokens).setPrefillStartMicros(0)
                .setPrefillEndMicros(0).setKvTransferEndMicros(0).setFirstTokenMicros(0).setLastTokenMicros(lastTokenMicros)
                .setPrefillNpus(1).setDecodeNpus(1).setDecodeInstance(0).setDecodeDie(0).build();
        return new StreamRecord<>(c, lastTokenMicros);
    }

    /** Partials emitted so far, as "scenario [start,end) count tokens @timestamp"; watermarks as "wm T". */
    static List<String> emitted(OneInputStreamOperatorTestHarness<Completion, WindowPartial> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof WindowPartial p) {
                out.add(p.scenario() + " [" + p.windowStartMicros + "," + p.windowEndMicros + ") " + p.totals.count
                        + " " + p.totals.outputTokens + " @" + r.getTimestamp());
            } else if (o instanceof Watermark w) {
                out.add("wm " + w.getTimestamp());
            }
        }
        return out;
    }

    @Test
    void partialsLeaveJustBeforeTheWatermarkThatClosesTheirWindow() throws Exception {
        var h = harness(TumblingEventTimeWindows.of(Duration.ofMillis(WINDOW)), 0);
        h.processElement(at(100, "a", 2));
        h.processElement(at(900, "a", 3));
        h.processElement(at(950, "b", 4));
        h.processElement(at(1_500, "a", 5));
        assertThat(emitted(h)).isEmpty(); // no per-record output
        h.processWatermark(new Watermark(998));
        assertThat(emitted(h)).containsExactly("wm 998");
        h.processWatermark(new Watermark(999));
        assertThat(emitted(h)).containsExactlyInAnyOrder("wm 998", "a [0,1000) 2 5 @999", "b [0,1000) 1 4 @999", "wm 999");
        assertThat(emitted(h).get(3)).isEqualTo("wm 999"); // partials precede the watermark
        assertThat(operator(h).heldPartials()).isEqualTo(1);
        h.close();
    }

    @Test
    void completionsAlternatingBetweenPartialsEachCountInTheirOwn() throws Exception {
        // the operator remembers the partial of the last completion: going back and forth must not mix them up
        var h = harness(TumblingEventTimeWindows.of(Duration.ofMillis(WINDOW)), 0);
        h.processElement(at(100, "a", 2));
        h.processElement(at(950, "b", 4));
        h.processElement(at(1_100, "a", 7));
        h.processElement(at(960, "a", 3));
        h.processElement(at(970, "b", 1));
        h.processWatermark(new Watermark(999));
        h.processElement(at(1_200, "a", 5)); // after a flush: the [1000,2000) partial is still held
        h.processWatermark(new Watermark(1_999));
        assertThat(emitted(h)).containsExactlyInAnyOrder("a [0,1000) 2 5 @999", "b [0,1000) 2 5 @999", "wm 999",
                "a [1000,2000) 2 12 @1999", "wm 1999");
        h.close();
    }

    @Test
    void lateCompletionsGoToTheSideOutputAndAllowedLateOnesLeaveAtOnce() throws Exception {
        var h = harness(TumblingEventTimeWindows.of(Duration.ofMillis(WINDOW)), 500);
        h.processWatermark(new Watermark(1_200));
        h.processElement(at(300, "a", 2)); // window [0,1000) fired, still within 500 µs lateness: sent now
        assertThat(emitted(h)).containsExactly("wm 1200", "a [0,1000) 1 2 @999");
        h.processWatermark(new Watermark(1_499));
        h.processElement(at(400, "a", 7)); // 999 + 500 <= 1499: the window is gone
        assertThat(h.getSideOutput(SloAnalyticsJob.LATE)).extracting(StreamRecord::getValue)
                .extracting(Completion::getLastTokenMicros).containsExactly(400L);
        assertThat(emitted(h)).hasSize(3);
        assertThat(operator(h).heldPartials()).isZero();
        h.close();
    }

    @Test
    void slidingWindowsGetOnePartialEachAndACompletionIsLateOnlyWhenAllItsWindowsAreGone() throws Exception {
        var h = harness(SlidingEventTimeWindows.of(Duration.ofMillis(WINDOW), Duration.ofMillis(500)), 0);
        h.processElement(at(700, "a", 1)); // windows [0,1000) and [500,1500)
        h.processWatermark(new Watermark(999));
        h.processElement(at(800, "a", 2)); // [0,1000) is gone, [500,1500) is open: not late
        h.processWatermark(new Watermark(1_499));
        assertThat(emitted(h)).containsExactly("a [0,1000) 1 1 @999", "wm 999", "a [500,1500) 2 3 @1499", "wm 1499");
        assertThat(h.getSideOutput(SloAnalyticsJob.LATE)).isNull();
        h.close();
    }

    @Test
    void everythingLeavesBeforeACheckpointBarrierSoTheOperatorHasNoState() throws Exception {
        var h = harness(TumblingEventTimeWindows.of(Duration.ofMillis(WINDOW)), 0);
        h.processElement(at(100, "a", 2));
        h.processElement(at(2_100, "a", 3));
        h.prepareSnapshotPreBarrier(1);
        assertThat(operator(h).heldPartials()).isZero();
        assertThat(emitted(h)).containsExactly("a [0,1000) 1 2 @999", "a [2000,3000) 1 3 @2999");
        var snapshot = h.snapshot(1, 0);
        assertThat(snapshot.getManagedOperatorState()).isEmpty();
        assertThat(snapshot.getRawOperatorState()).isEmpty();
        // the rest of the window after the checkpoint is a second partial of the same window
        h.processElement(at(2_200, "a", 4));
        h.processWatermark(new Watermark(2_999));
        assertThat(emitted(h)).endsWith("a [2000,3000) 1 4 @2999", "wm 2999");
        h.close();
    }
}
