package io.cmbench.jobs.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.TestData;
import io.cmbench.jobs.serde.Envelope;
import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.RequestEvent;
import org.junit.jupiter.api.Test;

class PartitionPositionTest {
    private static final long MAX_LEAD = 1_000;

    static Envelope at(long offset, long arrival) {
        return Envelope.ofRequest("requests", 3, offset, TestData.bytes(TestData.request("r" + offset, arrival, 10, 2)));
    }

    static Envelope heartbeat(long offset, long at) {
        return Envelope.ofRequest("requests", 3, offset, TestData.bytes(RequestEvent.newBuilder()
                .setKind(EventKind.HEARTBEAT).setRequestId("hb").setArrivalTimeMicros(at).setPromptTokens(0)
                .setOutputTokens(0).build()));
    }

    @Test
    void aRecordEarlierThanThePartitionsPositionIsLateAndMovesNothing() {
        PartitionPosition p = new PartitionPosition(0, MAX_LEAD);
        assertThat(p.admit(at(0, 100)).valid()).isTrue();
        assertThat(p.admit(at(1, 100)).valid()).as("equal arrivals are in order").isTrue();
        assertThat(p.admit(at(2, 200)).valid()).isTrue();
        Envelope late = p.admit(at(3, 150));
        assertThat(late.valid()).isFalse();
        assertThat(late.field).isEqualTo("arrivalTimeMicros");
        assertThat(late.reason).contains("late: arrival 150 is before arrival 200 already read from partition 3");
        assertThat(p.micros()).isEqualTo(200);
        assertThat(p.admit(at(4, 200)).valid()).isTrue();
    }

    @Test
    void aRecordMoreThanTheMaxLeadAheadIsTooFarAheadAndMovesNothing() {
        PartitionPosition p = new PartitionPosition(0, MAX_LEAD);
        assertThat(p.admit(at(0, 400)).valid()).isTrue();
        Envelope ahead = p.admit(at(1, 400 + MAX_LEAD + 1));
        assertThat(ahead.valid()).isFalse();
        assertThat(ahead.field).isEqualTo("arrivalTimeMicros");
        assertThat(ahead.reason).isEqualTo("too far ahead: arrival 1401 is more than the max lead of 1000 us after"
                + " partition 3's position 400 (the latest arrival or heartbeat read from it, 0 at the start)");
        assertThat(p.micros()).as("the hostile record did not move the partition").isEqualTo(400);
        assertThat(p.admit(at(2, 500)).valid()).as("so the partition's next valid record is not late").isTrue();
        assertThat(p.admit(at(3, 500 + MAX_LEAD)).valid()).as("exactly the max lead ahead").isTrue();
    }

    @Test
    void theFirstRecordIsJudgedAgainstTheRunsStart() {
        assertThat(new PartitionPosition(0, MAX_LEAD).admit(at(0, MAX_LEAD)).valid()).isTrue();
        Envelope first = new PartitionPosition(0, MAX_LEAD).admit(at(0, MAX_LEAD + 1));
        assertThat(first.reason).contains("partition 3's position 0");
    }

    @Test
    void heartbeatsMoveThePositionAndAreJudgedLikeRequests() {
        PartitionPosition p = new PartitionPosition(0, MAX_LEAD);
        assertThat(p.admit(heartbeat(0, 900)).valid()).isTrue();
        assertThat(p.admit(heartbeat(1, 1_800)).valid()).as("a quiet partition kept within the lead").isTrue();
        assertThat(p.admit(at(2, 2_700)).valid()).isTrue();
        assertThat(p.admit(heartbeat(3, 5_000)).reason).as("a hostile heartbeat").contains("too far ahead");
        assertThat(p.admit(heartbeat(4, 2_000)).reason).contains("late");
        assertThat(p.micros()).isEqualTo(2_700);
    }

    @Test
    void invalidRecordsPassUntouchedAndMoveNothing() {
        PartitionPosition p = new PartitionPosition(50, MAX_LEAD);
        Envelope garbage = p.admit(Envelope.ofRequest("requests", 0, 0, new byte[] {9}));
        assertThat(garbage.reason).contains("undecodable");
        Envelope beyond = p.admit(Envelope.ofRequest("requests", 0, 1,
                TestData.bytes(TestData.request("x", 1L << 62, 10, 2)), 1_000));
        assertThat(beyond.reason).contains("got " + (1L << 62));
        assertThat(p.micros()).isEqualTo(50);
    }
}
