package io.cmbench.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.TestData;
import org.junit.jupiter.api.Test;

/** What a record's bytes alone decide (its partition's order and lead are judged by the source). */
class EnvelopeDecodingTest {

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
