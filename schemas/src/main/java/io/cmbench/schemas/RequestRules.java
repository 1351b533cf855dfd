package io.cmbench.schemas;

import java.util.List;

/**
 * The rules a {@link RequestEvent} must satisfy to be emulated. One copy shared by the load generator (which refuses
 * to write a record that breaks them) and the emulation job (which dead-letters it), so the two cannot disagree.
 */
public final class RequestRules {
    private RequestRules() {}

    /**
     * Ceiling of any arrival, whatever the horizon: 2^53 µs (about 285 years). Below it a time is exact as a double
     * (the analytics and the report divide times), and adding the emulation's durations cannot overflow a long.
     */
    public static final long MAX_ARRIVAL_MICROS = 1L << 53;

    /**
     * How far a record may arrive after the latest arrival or heartbeat already read from its Kafka partition (0 before
     * the first), unless a run declares otherwise: 2 s of event time. A record further ahead is dead-lettered before it
     * can raise its partition's watermark, which would make the partition's valid records up to it late. So one
     * hostile record costs at most this much of its partition, while honest input is never refused: the load
     * generator sends a heartbeat to every partition at least every heartbeat interval (1 s by default), so a
     * partition's consecutive records are never more than that apart. A heartbeat interval longer than this needs a
     * run declaring a max lead at least as long ({@link #maxLeadCovering(long)}).
     */
    public static final long DEFAULT_MAX_LEAD_MICROS = 2_000_000L;

    /** The max lead that accepts every record of a generator with this heartbeat interval: at least the default. */
    public static long maxLeadCovering(long heartbeatIntervalMicros) {
        return Math.max(DEFAULT_MAX_LEAD_MICROS, heartbeatIntervalMicros);
    }

    /** Why a record is unusable: the field to blame and the reason, naming the offending value. */
    public record Violation(String field, String reason) {}

    /**
     * The first rule {@code r} breaks, or null when it breaks none.
     *
     * @param horizonMicros the latest arrival this run accepts (its last arrival plus the declared allowance);
     *     {@link #MAX_ARRIVAL_MICROS} or more = only the absolute ceiling applies
     */
    public static Violation check(RequestEvent r, long horizonMicros) {
        long arrival = r.getArrivalTimeMicros();
        if (arrival < 0) {
            return new Violation("arrivalTimeMicros", "must be >= 0, got " + arrival);
        }
        long latest = Math.min(horizonMicros, MAX_ARRIVAL_MICROS);
        if (arrival > latest) {
            return new Violation("arrivalTimeMicros", "must be <= " + latest + " (the run's time horizon: last arrival"
                    + " plus allowance, at most " + MAX_ARRIVAL_MICROS + "), got " + arrival);
        }
        if (r.getKind() == EventKind.HEARTBEAT) {
            return null; // a heartbeat carries only a time
        }
        if (r.getRequestId() == null || r.getRequestId().isBlank()) {
            return new Violation("requestId", "must not be blank");
        }
        if (r.getPromptTokens() < 1) {
            return new Violation("promptTokens", "must be >= 1, got " + r.getPromptTokens());
        }
        if (r.getOutputTokens() < 1) {
            return new Violation("outputTokens", "must be >= 1, got " + r.getOutputTokens());
        }
        if (r.getPrefixBlockTokens() < 0) {
            return new Violation("prefixBlockTokens", "must be >= 0, got " + r.getPrefixBlockTokens());
        }
        List<Long> blocks = r.getPrefixBlocks();
        int n = blocks == null ? 0 : blocks.size();
        if (n > 0 && r.getPrefixBlockTokens() == 0) {
            return new Violation("prefixBlockTokens", "must be >= 1 when prefixBlocks is not empty, got 0");
        }
        // Each block must start inside the prompt; the last may be partial, as in Mooncake traces (hash ids =
        // ceil(prompt / block)). The cache never counts more than the prompt as hit (ContextCacheFunction).
        long covered = (long) (n - 1) * r.getPrefixBlockTokens(); // int x int: cannot overflow a long
        if (n > 0 && covered >= r.getPromptTokens()) {
            return new Violation("prefixBlocks", n + " blocks of " + r.getPrefixBlockTokens()
                    + " tokens need a prompt of more than " + covered + " tokens (only the last may be partial), got "
                    + r.getPromptTokens());
        }
        return null;
    }
}
