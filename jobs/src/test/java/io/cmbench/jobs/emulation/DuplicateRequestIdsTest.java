package io.cmbench.jobs.emulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.TestData;
import io.cmbench.jobs.serde.Envelope;
import io.cmbench.schemas.DeadLetter;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DuplicateRequestIdsTest {
    static final long HORIZON = 1_000;

    static KeyedOneInputStreamOperatorTestHarness<String, Envelope, Envelope> harness(boolean horizonKnown) throws Exception {
        return harness(HORIZON, horizonKnown);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Envelope, Envelope> harness(long horizon, boolean horizonKnown)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new DuplicateRequestIdsOperator(new DuplicateRequestIds(horizon, horizonKnown)),
                e -> e.request().getRequestId(), Types.STRING);
        h.open();
        return h;
    }

    static Envelope request(String id, long arrival, int partition, long offset) {
        return Envelope.ofRequest("requests", partition, offset, TestData.bytes(TestData.request(id, arrival, 10, 2)));
    }

    static void feed(KeyedOneInputStreamOperatorTestHarness<String, Envelope, Envelope> h, Envelope e) throws Exception {
        h.processElement(new StreamRecord<>(e, e.eventTime));
    }

    static List<String> kept(KeyedOneInputStreamOperatorTestHarness<String, Envelope, Envelope> h) {
        return h.extractOutputValues().stream().map(e -> e.partition + "/" + e.offset).toList();
    }

    static List<String> dead(KeyedOneInputStreamOperatorTestHarness<String, Envelope, Envelope> h) {
        var side = h.getSideOutput(Stages.DEAD_LETTERS);
        if (side == null) {
            return List.of(); // nothing was dead-lettered
        }
        return side.stream().map(StreamRecord::getValue)
                .map(d -> d.getSourcePartition() + "/" + d.getSourceOffset() + " " + d.getField() + ": " + d.getReason())
                .toList();
    }

    @Test
    void theEarliestByArrivalPartitionAndOffsetWinsWhateverOrderTheyCameIn() throws Exception {
        Envelope a = request("r1", 100, 1, 7);   // wins: earliest arrival
        Envelope b = request("r1", 100, 1, 9);   // same arrival, later offset
        Envelope c = request("r1", 150, 0, 3);
        Envelope other = request("r2", 120, 0, 4);
        List<List<Envelope>> orders = List.of(List.of(a, b, c, other), List.of(c, b, other, a), List.of(b, other, c, a));
        List<String> firstKept = null;
        List<String> firstDead = null;
        for (List<Envelope> order : orders) {
            var h = harness(true);
            for (Envelope e : order) {
                feed(h, e);
            }
            assertThat(h.extractOutputValues()).as("held until the watermark reaches the arrival").isEmpty();
            h.processWatermark(HORIZON);
            assertThat(kept(h)).containsExactly("1/7", "0/4");
            List<String> d = dead(h).stream().sorted().toList();
            assertThat(d).hasSize(2).allSatisfy(s -> assertThat(s).contains("requestId: duplicate requestId 'r1'")
                    .contains("the request from partition 1 offset 7, arrival 100 is kept"));
            if (firstKept == null) {
                firstKept = kept(h);
                firstDead = d;
            }
            assertThat(kept(h)).isEqualTo(firstKept);
            assertThat(d).isEqualTo(firstDead);
            h.close();
        }
    }

    @Test
    void aDuplicateAfterTheWinnerLeftIsDeadLetteredAndTheKeptRecordKeepsItsArrivalTime() throws Exception {
        var h = harness(true);
        feed(h, request("r1", 100, 0, 0));
        h.processWatermark(100);
        assertThat(h.getOutput()).filteredOn(o -> o instanceof StreamRecord<?>)
                .singleElement().satisfies(o -> assertThat(((StreamRecord<?>) o).getTimestamp()).isEqualTo(100));
        feed(h, request("r1", 500, 1, 3));
        h.processWatermark(600);
        assertThat(kept(h)).containsExactly("0/0");
        assertThat(dead(h)).singleElement().asString().startsWith("1/3 requestId: duplicate requestId 'r1'");
        h.close();
    }

    /** The watermark by which an id due at {@code forgetAtMicros} is gone: the end of its one-second bucket. */
    static long gone(long forgetAtMicros) {
        long b = DuplicateRequestIdsOperator.BUCKET_MICROS;
        return (forgetAtMicros / b + 1) * b - 1;
    }

    @Test
    void stateIsForgottenOnceTheWatermarkPassesTheHorizon() throws Exception {
        var h = harness(true);
        feed(h, request("r1", 100, 0, 0));
        assertThat(h.numEventTimeTimers()).as("one timer per id: its arrival").isOne();
        h.processWatermark(100);
        assertThat(h.numKeyedStateEntries()).isPositive();
        assertThat(h.numEventTimeTimers()).isZero();
        h.processWatermark(HORIZON);
        assertThat(h.numKeyedStateEntries()).as("due, but its bucket has not passed").isPositive();
        h.processWatermark(gone(HORIZON));
        assertThat(h.numKeyedStateEntries()).isZero();
        h.close();

        var open = harness(false); // no known horizon: a simulated minute after the arrival
        feed(open, request("r1", 100, 0, 0));
        open.processWatermark(HORIZON);
        assertThat(open.numKeyedStateEntries()).isPositive();
        open.processWatermark(gone(100 + DuplicateRequestIds.RETENTION_MICROS) - 1);
        assertThat(open.numKeyedStateEntries()).isPositive();
        open.processWatermark(gone(100 + DuplicateRequestIds.RETENTION_MICROS));
        assertThat(open.numKeyedStateEntries()).isZero();
        open.close();

        // a long run with a horizon: an id is forgotten a minute after its arrival, not at the horizon
        var long_ = harness(3_600_000_000L, true);
        feed(long_, request("r1", 100, 0, 0));
        long_.processWatermark(gone(100 + DuplicateRequestIds.RETENTION_MICROS));
        assertThat(long_.numKeyedStateEntries()).isZero();
        assertThat(long_.numEventTimeTimers()).isZero();
        long_.close();
    }

    @Test
    void aRestoredSubtaskStillForgetsTheIdsItWasHolding() throws Exception {
        var h = harness(false);
        feed(h, request("r1", 100, 0, 0));
        feed(h, request("r2", 2_000_000, 1, 0));
        h.processWatermark(2_000_000);
        var snapshot = h.snapshot(1, 1);
        h.close();

        var restored = new KeyedOneInputStreamOperatorTestHarness<>(
                new DuplicateRequestIdsOperator(new DuplicateRequestIds(HORIZON, false)), e -> e.request().getRequestId(),
                Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        assertThat(restored.numKeyedStateEntries()).isEqualTo(2);
        feed(restored, request("r1", 3_000_000, 1, 7)); // within r1's retention: a duplicate of the restored winner
        restored.processWatermark(gone(100 + DuplicateRequestIds.RETENTION_MICROS));
        assertThat(dead(restored)).singleElement().asString().contains("the request from partition 0 offset 0, arrival 100 is kept");
        assertThat(restored.numKeyedStateEntries()).as("r1 forgotten, r2 not yet").isOne();
        restored.processWatermark(gone(2_000_000 + DuplicateRequestIds.RETENTION_MICROS));
        assertThat(restored.numKeyedStateEntries()).isZero();
        restored.close();
    }

    @Test
    void anIdReusedAfterItsRetentionIsANewRequestWhetherOrNotTheForgetTimerFiredFirst() throws Exception {
        long reuse = 100 + DuplicateRequestIds.RETENTION_MICROS;
        for (boolean timerFirst : List.of(true, false)) {
            var h = harness(false);
            feed(h, request("r1", 100, 0, 0));
            h.processWatermark(100);
            // the watermark reaches the forget time before the second request comes, or the request comes first
            // (another partition held the watermark back)
            if (timerFirst) {
                h.processWatermark(reuse - 1);
                h.processWatermark(reuse);
            }
            feed(h, request("r1", reuse, 1, 5));
            h.processWatermark(reuse + 1);
            assertThat(kept(h)).as("timer first: %s", timerFirst).containsExactly("0/0", "1/5");
            assertThat(dead(h)).isEmpty();

            // and a copy of the second within its own retention is a duplicate of it
            feed(h, request("r1", reuse + 10, 0, 9));
            h.processWatermark(reuse + 20);
            assertThat(dead(h)).singleElement().asString()
                    .contains("the request from partition 1 offset 5, arrival " + reuse + " is kept");
            h.processWatermark(gone(reuse + DuplicateRequestIds.RETENTION_MICROS));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            h.close();
        }
    }
}
