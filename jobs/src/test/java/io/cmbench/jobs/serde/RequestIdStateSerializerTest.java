package io.cmbench.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.emulation.RequestIdState;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class RequestIdStateSerializerTest {
    static Envelope envelope(int partition, long offset) {
        try {
            return Envelope.ofCompletion("t", partition, offset,
                    Envelope.toBytes(EnvelopeSerializerTest.completion().toByteBuffer()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static RequestIdState held() {
        RequestIdState s = new RequestIdState();
        s.held = envelope(1, 42);
        s.losers = new ArrayList<>(List.of(envelope(0, 7), envelope(1, 50)));
        s.forgetAtMicros = 9_000;
        return s;
    }

    static RequestIdState decided() {
        RequestIdState s = new RequestIdState();
        s.decided = true;
        s.keptPartition = 3;
        s.keptOffset = 11;
        s.keptArrivalMicros = 5_000;
        s.forgetAtMicros = Long.MAX_VALUE;
        return s;
    }

    @Test
    void roundTripsEveryField() throws Exception {
        for (RequestIdState s : List.of(held(), decided())) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            RequestIdStateSerializer.INSTANCE.serialize(s, out);
            RequestIdState back = RequestIdStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(back).usingRecursiveComparison().ignoringFields("held.decoded", "losers.decoded").isEqualTo(s);
        }
    }

    @Test
    void aCopyIsNotChangedByTheOriginal() {
        // the heap backend copies state under a running snapshot; the operator then mutates its copy in place
        RequestIdState s = held();
        RequestIdState copy = RequestIdStateSerializer.INSTANCE.copy(s);
        s.losers.add(envelope(2, 1));
        s.held = null;
        s.decided = true;
        assertThat(copy.losers).hasSize(2);
        assertThat(copy.held).isNotNull();
        assertThat(copy.decided).isFalse();
    }
}
