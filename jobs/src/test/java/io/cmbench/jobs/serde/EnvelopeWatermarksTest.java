package io.cmbench.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.jobs.TestData;
import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.RequestEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class EnvelopeWatermarksTest {

    /** Test double: records what the generator emits. */
    static final class RecordingOutput implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark w) {
            watermarks.add(w.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }

    static Envelope request(long arrival, long offset) {
        return Envelope.of(TestData.request("r" + offset, arrival, 10, 2), offset);
    }

    static Envelope heartbeat(long at, long offset) {
        return Envelope.of(RequestEvent.newBuilder().setKind(EventKind.HEARTBEAT).setRequestId("hb").setArrivalTimeMicros(at)
                .setPromptTokens(0).setOutputTokens(0).build(), offset);
    }

    static final List<Envelope> PARTITION = List.of(request(10, 0), request(10, 1), request(25, 2),
            Envelope.ofRequest("t", 0, 3, new byte[] {1, 2, 3}), // invalid: no time, moves nothing
            request(5, 4), // behind: does not lower the watermark
            heartbeat(40, 5), request(41, 6),
            Envelope.of(TestData.request("far", 1L << 62, 10, 2), 7)); // beyond the ceiling: invalid, moves nothing

    /** Feeds the partition, calling the periodic hook {@code periodic[i]} times before record i. */
    static List<Long> run(long outOfOrderness, int[] periodic) {
        return run(outOfOrderness, 1, periodic);
    }

    static List<Long> run(long outOfOrderness, long step, int[] periodic) {
        var g = new EnvelopeWatermarks.Generator(outOfOrderness, step);
        RecordingOutput out = new RecordingOutput();
        for (int i = 0; i < PARTITION.size(); i++) {
            for (int k = 0; k < periodic[i]; k++) {
                g.onPeriodicEmit(out);
            }
            Envelope e = PARTITION.get(i);
            g.onEvent(e, e.valid() ? e.eventTime : Long.MIN_VALUE, out);
        }
        g.onPeriodicEmit(out);
        return out.watermarks;
    }

    @Test
    void watermarksFollowTheRecordsOnlyInOnEvent() {
        assertThat(run(0, new int[PARTITION.size()])).containsExactly(9L, 24L, 39L, 40L);
        assertThat(run(5, new int[PARTITION.size()])).containsExactly(4L, 19L, 34L, 35L);
        assertThat(run(-1, new int[PARTITION.size()])).as("held until the end of input").isEmpty();
    }

    @Test
    void inStepsAWatermarkIsEmittedOnceItHasRisenByTheStep() {
        // 9 first; 24 is 15 above it; 39 is 15 above 24; 40 only 1 above 39: held back
        assertThat(run(0, 15, new int[PARTITION.size()])).containsExactly(9L, 24L, 39L);
        assertThat(run(0, 16, new int[PARTITION.size()])).containsExactly(9L, 39L);
        assertThat(run(0, 1_000, new int[PARTITION.size()])).containsExactly(9L);
        assertThatThrownBy(() -> EnvelopeWatermarks.strategy(0, 0)).hasMessageContaining("stepMicros must be >= 1, got 0");
    }

    @Test
    void wallClockTimingOfThePeriodicHookChangesNothing() {
        List<Long> none = run(0, new int[PARTITION.size()]);
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 20; trial++) {
            int[] periodic = new int[PARTITION.size()];
            for (int i = 0; i < periodic.length; i++) {
                periodic[i] = rng.nextInt(4);
            }
            assertThat(run(0, periodic)).isEqualTo(none);
        }
    }

    @Test
    void aFarFutureRecordIsInvalidAtTheSourceAndCannotMoveTheWatermark() {
        Envelope far = Envelope.ofRequest("t", 0, 0, Envelope.toBytes(toBuffer(TestData.request("x", 1_000_000_000_000_000L, 10, 2))),
                60_000_000L);
        assertThat(far.valid()).isFalse();
        var g = new EnvelopeWatermarks.Generator(0, 1);
        RecordingOutput out = new RecordingOutput();
        g.onEvent(far, Long.MIN_VALUE, out);
        assertThat(out.watermarks).isEmpty();
    }

    static java.nio.ByteBuffer toBuffer(RequestEvent r) {
        try {
            return r.toByteBuffer();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
