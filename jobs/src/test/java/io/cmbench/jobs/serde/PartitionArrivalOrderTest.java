package io.cmbench.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.TestData;
import org.junit.jupiter.api.Test;

class PartitionArrivalOrderTest {

    static Envelope at(int partition, long offset, long arrival) {
        return Envelope.ofRequest("requests", partition, offset,
                Envelope.toBytes(EnvelopeWatermarksTest.toBuffer(TestData.request("r" + partition + "-" + offset, arrival, 10, 2))));
    }

    @Test
    void lateIsJudgedWithinThePartitionWhateverTheOtherPartitionsDid() {
        PartitionArrivalOrder order = new PartitionArrivalOrder();
        assertThat(order.admit(at(0, 0, 100)).valid()).isTrue();
        assertThat(order.admit(at(1, 0, 5_000)).valid()).as("another partition far ahead").isTrue();
        assertThat(order.admit(at(0, 1, 100)).valid()).as("equal arrivals are in order").isTrue();
        assertThat(order.admit(at(0, 2, 200)).valid()).isTrue();
        Envelope late = order.admit(at(0, 3, 150));
        assertThat(late.valid()).isFalse();
        assertThat(late.field).isEqualTo("arrivalTimeMicros");
        assertThat(late.reason).contains("late: arrival 150 is before arrival 200 already read from partition 0");
        assertThat(order.admit(at(0, 4, 200)).valid()).as("a late record does not move its partition").isTrue();
        assertThat(order.admit(at(1, 1, 4_999)).valid()).isFalse();
    }

    @Test
    void invalidRecordsPassUntouchedAndMoveNothing() {
        PartitionArrivalOrder order = new PartitionArrivalOrder();
        Envelope garbage = order.admit(Envelope.ofRequest("requests", 0, 0, new byte[] {9}));
        assertThat(garbage.reason).contains("undecodable");
        Envelope beyond = order.admit(Envelope.ofRequest("requests", 0, 1,
                Envelope.toBytes(EnvelopeWatermarksTest.toBuffer(TestData.request("x", 1L << 62, 10, 2))), 1_000));
        assertThat(beyond.field).isEqualTo("arrivalTimeMicros");
        assertThat(beyond.reason).contains("got " + (1L << 62));
        assertThat(order.admit(at(0, 2, 10)).valid()).as("the far-future record did not move the partition").isTrue();
    }

    @Test
    void trailingBytesAfterTheAvroBodyAreAnError() {
        byte[] good = Envelope.toBytes(EnvelopeWatermarksTest.toBuffer(TestData.request("r", 5, 10, 2)));
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 3);
        assertThat(Envelope.ofRequest("t", 0, 0, good).valid()).isTrue();
        Envelope bad = Envelope.ofRequest("t", 0, 1, longer);
        assertThat(bad.valid()).isFalse();
        assertThat(bad.reason).contains("3 trailing bytes after the Avro body");
        byte[] completion = Envelope.toBytes(completionBytes(
                io.cmbench.schemas.Completion.newBuilder().setScenario("s").setRequestId("r").setArrivalTimeMicros(1)
                        .setPromptTokens(2).setOutputTokens(3).setPrefillStartMicros(4).setPrefillEndMicros(5)
                        .setKvTransferEndMicros(6).setFirstTokenMicros(7).setLastTokenMicros(8).setPrefillNpus(9)
                        .setDecodeNpus(10).build()));
        assertThat(Envelope.ofCompletion("t", 0, 0, completion).valid()).isTrue();
        assertThat(Envelope.ofCompletion("t", 0, 0, java.util.Arrays.copyOf(completion, completion.length + 1)).reason)
                .contains("1 trailing bytes");
    }

    static java.nio.ByteBuffer completionBytes(io.cmbench.schemas.Completion c) {
        try {
            return c.toByteBuffer();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
