package io.cmbench.jobs.serde;

import io.cmbench.schemas.Completion;
import io.cmbench.schemas.RequestEvent;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro data models for the hot paths. The generated classes carry hand-written field coders
 * ({@code customEncode}/{@code customDecode}); Avro uses them only when a model enables custom coders and disables
 * the "fast reader", which sets every field through a boxed {@code put(int, Object)}. The bytes are the same either
 * way (EnvelopeSerializerTest); the analytics bench spends markedly less time decoding.
 */
public final class AvroModels {
    private AvroModels() {}

    /** Single-object decoders (thread-safe: Avro keeps per-thread buffers). */
    public static final BinaryMessageDecoder<Completion> COMPLETION_DECODER =
            new BinaryMessageDecoder<>(forClass(Completion.class), Completion.getClassSchema());
    public static final BinaryMessageDecoder<RequestEvent> REQUEST_DECODER =
            new BinaryMessageDecoder<>(forClass(RequestEvent.class), RequestEvent.getClassSchema());

    /** A model for {@code type} that reads and writes through the generated custom coders. */
    public static SpecificData forClass(Class<? extends SpecificRecordBase> type) {
        SpecificData data = new SpecificData(type.getClassLoader());
        data.setCustomCoders(true);
        data.setFastReaderEnabled(false);
        return data;
    }
}
