package io.cmbench.jobs;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named latency SLO: TPOT &le; tpotBoundMicros and, when ttftBoundMicros &ge; 0, TTFT &le; ttftBoundMicros.
 * A request with a single output token has no TPOT and meets any TPOT bound trivially (its TTFT bound,
 * if any, still applies).
 */
public record SloSpec(String name, long tpotBoundMicros, long ttftBoundMicros) implements Serializable {

    private static final Pattern SYNTAX = Pattern.compile(
            "tpot(\\d+(?:\\.\\d+)?)(?:\\+ttft(\\d+(?:\\.\\d+)?))?");
    /** The bounds in the other order, {@code ttft2000+tpot50}: the same SLO, named in the canonical order. */
    private static final Pattern TTFT_FIRST = Pattern.compile("ttft(\\d+(?:\\.\\d+)?)\\+tpot(\\d+(?:\\.\\d+)?)");

    public SloSpec {
        Configs.requireNonBlank("slo.name", name);
        Configs.require(tpotBoundMicros > 0, "slo '" + name + "' tpotBoundMicros", tpotBoundMicros, "must be > 0");
        Configs.require(ttftBoundMicros == -1 || ttftBoundMicros > 0, "slo '" + name + "' ttftBoundMicros",
                ttftBoundMicros, "must be > 0 or -1 (unbounded)");
    }

    /**
     * Parses {@code tpot15} (TPOT &le; 15 ms) or {@code tpot15+ttft1500} (also TTFT &le; 1500 ms; {@code ttft1500+tpot15}
     * is the same SLO, named {@code tpot15+ttft1500}); values in ms.
     */
    public static SloSpec parse(String s) {
        if (s == null) {
            throw new IllegalArgumentException("SLO spec must not be null (expected e.g. 'tpot15' or 'tpot15+ttft1500')");
        }
        String t = s.trim().toLowerCase(Locale.ROOT);
        Matcher swapped = TTFT_FIRST.matcher(t);
        if (swapped.matches()) {
            t = "tpot" + swapped.group(2) + "+ttft" + swapped.group(1);
        }
        Matcher m = SYNTAX.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid SLO spec '" + s
                    + "': expected tpot<ms>[+ttft<ms>] or ttft<ms>+tpot<ms>, e.g. 'tpot15' or 'tpot15+ttft1500'");
        }
        long tpot = msToMicros(m.group(1), s);
        long ttft = m.group(2) == null ? -1 : msToMicros(m.group(2), s);
        if (tpot <= 0 || (m.group(2) != null && ttft <= 0)) {
            throw new IllegalArgumentException("invalid SLO spec '" + s + "': bounds must be > 0 ms");
        }
        return new SloSpec(t, tpot, ttft);
    }

    public static List<SloSpec> defaults() {
        return List.of(parse("tpot15"), parse("tpot50"));
    }

    private static long msToMicros(String ms, String original) {
        try {
            return new BigDecimal(ms).movePointRight(3).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("invalid SLO spec '" + original + "': '" + ms
                    + "' ms is not a whole number of microseconds");
        }
    }

    /** True when a request with these timings meets this SLO (exact integer arithmetic). */
    public boolean isMetBy(long ttftMicros, long firstTokenMicros, long lastTokenMicros, int outputTokens) {
        if (ttftBoundMicros >= 0 && ttftMicros > ttftBoundMicros) {
            return false;
        }
        if (outputTokens < 2) {
            return true;
        }
        return lastTokenMicros - firstTokenMicros <= tpotBoundMicros * (long) (outputTokens - 1);
    }
}
