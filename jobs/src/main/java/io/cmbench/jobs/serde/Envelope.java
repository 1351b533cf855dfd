package io.cmbench.jobs.serde;

import io.cmbench.schemas.Completion;
import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.RequestEvent;
import io.cmbench.schemas.RequestRules;

/**
 * One raw Kafka record, classified at the source (so that watermarks can be generated per partition from the
 * payload's event time): the payload as received, where it came from, and either its event time or why it is
 * unusable. Never modified after it leaves the source, where it may still be found late or too far ahead
 * ({@link EnvelopeSerializer} relies on that to hand the same instance to chained operators, so the record decoded
 * at the source is decoded only once).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(EnvelopeTypeInfo.Factory.class)
public class Envelope {
    public enum Kind { REQUEST, HEARTBEAT, COMPLETION, INVALID }

    public String topic;
    public int partition;
    public long offset;
    public byte[] payload;
    public Kind kind;
    /** Simulated µs (arrival for requests, last token for completions); meaningless when INVALID. */
    public long eventTime;
    public String field;
    public String reason;
    /** The payload as decoded by the classification (REQUEST/HEARTBEAT: RequestEvent, COMPLETION: Completion). */
    private transient Object decoded;

    public Envelope() {}

    /** The request record (kind REQUEST or HEARTBEAT), decoded at most once per instance. */
    public RequestEvent request() throws java.io.IOException {
        if (!(decoded instanceof RequestEvent)) {
            decoded = decodeRequest(payload);
        }
        return (RequestEvent) decoded;
    }

    /** The completion record (kind COMPLETION), decoded at most once per instance. */
    public Completion completion() throws java.io.IOException {
        if (!(decoded instanceof Completion)) {
            decoded = decodeCompletion(payload);
        }
        return (Completion) decoded;
    }

    public boolean valid() {
        return kind != Kind.INVALID;
    }

    private static Envelope base(String topic, int partition, long offset, byte[] payload) {
        Envelope e = new Envelope();
        e.topic = topic;
        e.partition = partition;
        e.offset = offset;
        e.payload = payload == null ? new byte[0] : payload;
        return e;
    }

    private Envelope invalid(String field, String reason) {
        this.kind = Kind.INVALID;
        this.field = field;
        this.reason = reason;
        this.eventTime = Long.MIN_VALUE;
        return this;
    }

    /** {@link #ofRequest(String, int, long, byte[], long)} with no horizon but {@link RequestRules#MAX_ARRIVAL_MICROS}. */
    public static Envelope ofRequest(String topic, int partition, long offset, byte[] payload) {
        return ofRequest(topic, partition, offset, payload, RequestRules.MAX_ARRIVAL_MICROS);
    }

    /**
     * Decodes and validates a request record (Avro single-object encoding) by {@link RequestRules}: an arrival after
     * {@code horizonMicros} is invalid here, at the source, so it can never move a watermark.
     */
    public static Envelope ofRequest(String topic, int partition, long offset, byte[] payload, long horizonMicros) {
        Envelope e = base(topic, partition, offset, payload);
        RequestEvent r;
        try {
            r = decodeRequest(e.payload);
        } catch (Exception ex) {
            return e.invalid(null, "undecodable RequestEvent: " + ex);
        }
        e.decoded = r;
        RequestRules.Violation v = RequestRules.check(r, horizonMicros);
        if (v != null) {
            return e.invalid(v.field(), v.reason());
        }
        e.eventTime = r.getArrivalTimeMicros();
        e.kind = r.getKind() == EventKind.HEARTBEAT ? Kind.HEARTBEAT : Kind.REQUEST;
        return e;
    }

    /**
     * Reclassifies a valid record as late, before it leaves the source ({@code io.cmbench.jobs.source.PartitionPosition}):
     * its arrival is earlier than a request or heartbeat already read from its partition.
     */
    public void markLate(long positionMicros) {
        invalid("arrivalTimeMicros", "late: arrival " + eventTime + " is before arrival " + positionMicros
                + " already read from partition " + partition + " (each partition must be in arrival-time order)");
    }

    /**
     * Reclassifies a valid record as too far ahead of its partition, before it leaves the source
     * ({@code io.cmbench.jobs.source.PartitionPosition}): accepted, it would raise the partition's watermark past the
     * records still to come.
     */
    public void markTooFarAhead(long positionMicros, long maxLeadMicros) {
        invalid("arrivalTimeMicros", "too far ahead: arrival " + eventTime + " is more than the max lead of "
                + maxLeadMicros + " us after partition " + partition + "'s position " + positionMicros
                + " (the latest arrival or heartbeat read from it, 0 at the start)");
    }

    /** Decodes and validates a completion record (Avro single-object encoding). */
    public static Envelope ofCompletion(String topic, int partition, long offset, byte[] payload) {
        Envelope e = base(topic, partition, offset, payload);
        Completion c;
        try {
            c = decodeCompletion(e.payload);
        } catch (Exception ex) {
            return e.invalid(null, "undecodable Completion: " + ex);
        }
        e.decoded = c;
        if (c.getScenario() == null || c.getScenario().isBlank()) {
            return e.invalid("scenario", "must not be blank");
        }
        if (c.getOutputTokens() < 1) {
            return e.invalid("outputTokens", "must be >= 1, got " + c.getOutputTokens());
        }
        if (c.getPromptTokens() < 0) {
            return e.invalid("promptTokens", "must be >= 0, got " + c.getPromptTokens());
        }
        if (c.getArrivalTimeMicros() < 0) {
            return e.invalid("arrivalTimeMicros", "must be >= 0, got " + c.getArrivalTimeMicros());
        }
        if (c.getFirstTokenMicros() < c.getArrivalTimeMicros()) {
            return e.invalid("firstTokenMicros", "must be >= arrivalTimeMicros, got " + c.getFirstTokenMicros()
                    + " < " + c.getArrivalTimeMicros());
        }
        if (c.getLastTokenMicros() > RequestRules.MAX_ARRIVAL_MICROS) {
            return e.invalid("lastTokenMicros", "must be <= " + RequestRules.MAX_ARRIVAL_MICROS + ", got "
                    + c.getLastTokenMicros());
        }
        if (c.getLastTokenMicros() < c.getFirstTokenMicros()) {
            return e.invalid("lastTokenMicros", "must be >= firstTokenMicros, got " + c.getLastTokenMicros()
                    + " < " + c.getFirstTokenMicros());
        }
        if (c.getDecodeNpus() < 1) {
            return e.invalid("decodeNpus", "must be >= 1, got " + c.getDecodeNpus());
        }
        if (c.getPrefillNpus() < 0) {
            return e.invalid("prefillNpus", "must be >= 0, got " + c.getPrefillNpus());
        }
        e.kind = Kind.COMPLETION;
        e.eventTime = c.getLastTokenMicros();
        return e;
    }

    public static RequestEvent decodeRequest(byte[] payload) throws java.io.IOException {
        return decodeWhole(AvroModels.REQUEST_DECODER, payload, new RequestEvent()); // a fresh instance: no reflection
    }

    public static Completion decodeCompletion(byte[] payload) throws java.io.IOException {
        return decodeWhole(AvroModels.COMPLETION_DECODER, payload, new Completion()); // a fresh instance: no reflection
    }

    /**
     * Decodes one single-object-encoded record that must fill the payload exactly: Avro stops reading after the body,
     * so bytes after it (a corrupted or concatenated record) would otherwise pass silently.
     */
    private static <T> T decodeWhole(org.apache.avro.message.BinaryMessageDecoder<T> decoder, byte[] payload, T reuse)
            throws java.io.IOException {
        java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(payload);
        T out = decoder.decode(in, reuse);
        if (in.available() > 0) {
            throw new java.io.IOException(in.available() + " trailing bytes after the Avro body (record of "
                    + payload.length + " bytes)");
        }
        return out;
    }

    /** Test and in-memory helper: encodes the request and classifies it as a Kafka record would be. */
    public static Envelope of(RequestEvent r, long offset) {
        try {
            return ofRequest("in-memory", 0, offset, toBytes(r.toByteBuffer()));
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static byte[] toBytes(java.nio.ByteBuffer b) {
        java.nio.ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
