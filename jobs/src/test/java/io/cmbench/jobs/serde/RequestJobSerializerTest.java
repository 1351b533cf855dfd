package io.cmbench.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.emulation.RequestJob;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class RequestJobSerializerTest {

    /** Every instance field set to a value of its own, so a field the serializer skips cannot round-trip by luck. */
    static RequestJob everyFieldDistinct() throws IllegalAccessException {
        RequestJob j = new RequestJob();
        long v = 1_000_003L;
        for (Field f : instanceFields()) {
            v += 7_919;
            if (f.getType() == int.class) {
                f.setInt(j, (int) v);
            } else if (f.getType() == long.class) {
                f.setLong(j, v * 1_000_000_007L);
            } else if (f.getType() == String.class) {
                f.set(j, "req-" + v + "-\u00e9\u4e2d"); // not only ASCII
            } else if (f.getType() == long[].class) {
                f.set(j, new long[] {v, -v, Long.MIN_VALUE, Long.MAX_VALUE});
            } else {
                throw new AssertionError("RequestJob has a field of a type this test does not fill: " + f);
            }
        }
        return j;
    }

    static List<Field> instanceFields() {
        return Arrays.stream(RequestJob.class.getDeclaredFields()).filter(f -> !Modifier.isStatic(f.getModifiers())).toList();
    }

    static RequestJob roundTrip(RequestJob j) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        RequestJobSerializer.INSTANCE.serialize(j, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        RequestJob back = RequestJobSerializer.INSTANCE.deserialize(in);
        assertThat(in.available()).as("bytes left unread").isZero();
        return back;
    }

    @Test
    void roundTripsEveryFieldOfRequestJob() throws Exception {
        RequestJob j = everyFieldDistinct();
        assertThat(roundTrip(j)).usingRecursiveComparison().isEqualTo(j);
        assertThat(RequestJobSerializer.INSTANCE.copy(j)).usingRecursiveComparison().isEqualTo(j);
    }

    @Test
    void roundTripsTheDefaultsAndNulls() throws Exception {
        RequestJob empty = new RequestJob();
        assertThat(roundTrip(empty)).usingRecursiveComparison().isEqualTo(empty);
        RequestJob noBlocks = everyFieldDistinct();
        noBlocks.prefixBlocks = null;
        assertThat(roundTrip(noBlocks).prefixBlocks).isNull();
        noBlocks.prefixBlocks = new long[0];
        assertThat(roundTrip(noBlocks).prefixBlocks).isEmpty();
    }

    @Test
    void aCopyDoesNotShareTheBlocks() throws Exception {
        RequestJob j = everyFieldDistinct();
        RequestJob c = RequestJobSerializer.INSTANCE.copy(j);
        j.prefixBlocks[0] = 42;
        assertThat(c.prefixBlocks[0]).isNotEqualTo(42);
    }
}
