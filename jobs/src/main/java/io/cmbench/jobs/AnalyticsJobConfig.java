package io.cmbench.jobs;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Configuration of the {@link SloAnalyticsJob}. All times are simulated microseconds.
 *
 * @param windowSizeMicros window length (default 10 s)
 * @param slideMicros 0 = tumbling windows, otherwise sliding windows advancing by this much (0 &lt; slide &le; size)
 * @param outOfOrdernessMicros bounded out-of-orderness of completions (by lastTokenMicros), or
 *     {@link #HOLD_UNTIL_END} (bounded runs only): no watermark until the end of the input, so every window is
 *     complete when it fires and nothing is late — deterministic whatever order completions were written in
 * @param allowedLatenessMicros how long a fired window still accepts late completions (each re-fires the window;
 *     the latest record per (scenario, windowStart) wins)
 * @param slos SLOs evaluated in every window (unique names)
 */
public record AnalyticsJobConfig(String bootstrapServers, KafkaTopics topics, long windowSizeMicros, long slideMicros,
                                 long outOfOrdernessMicros, long allowedLatenessMicros, List<SloSpec> slos,
                                 boolean bounded, Properties kafkaProperties) implements Serializable {

    public static final long DEFAULT_WINDOW_MICROS = 10_000_000L;
    /** outOfOrdernessMicros value: emit no watermark before the end of a bounded input. */
    public static final long HOLD_UNTIL_END = -1L;

    public AnalyticsJobConfig {
        slos = slos == null ? null : List.copyOf(slos);
        kafkaProperties = Configs.copy(kafkaProperties);
    }

    /**
     * 10 s tumbling windows, default SLOs, default topics; bounded runs hold the watermark until the end of the
     * input, unbounded runs allow 5 s of out-of-orderness.
     */
    public static AnalyticsJobConfig defaults(String bootstrapServers, boolean bounded) {
        return new AnalyticsJobConfig(bootstrapServers, KafkaTopics.defaults(), DEFAULT_WINDOW_MICROS, 0,
                bounded ? HOLD_UNTIL_END : 5_000_000L, 0, SloSpec.defaults(), bounded, new Properties());
    }

    /** @throws IllegalArgumentException naming the offending field and value */
    public AnalyticsJobConfig validate() {
        Configs.requireNonBlank("bootstrapServers", bootstrapServers);
        Configs.require(topics != null, "topics", topics, "must be set");
        topics.validate();
        Configs.require(windowSizeMicros > 0, "windowSizeMicros", windowSizeMicros, "must be > 0");
        Configs.require(slideMicros >= 0 && slideMicros <= windowSizeMicros, "slideMicros", slideMicros,
                "must be 0 (tumbling) or in (0, windowSizeMicros=" + windowSizeMicros + "]");
        Configs.require(outOfOrdernessMicros >= 0 || outOfOrdernessMicros == HOLD_UNTIL_END, "outOfOrdernessMicros",
                outOfOrdernessMicros, "must be >= 0 or -1 (hold until end of a bounded input)");
        Configs.require(outOfOrdernessMicros != HOLD_UNTIL_END || bounded, "outOfOrdernessMicros",
                outOfOrdernessMicros, "may be -1 (hold until end) only when bounded=true");
        Configs.require(allowedLatenessMicros >= 0, "allowedLatenessMicros", allowedLatenessMicros, "must be >= 0");
        Configs.require(slos != null && !slos.isEmpty(), "slos", slos, "must hold at least one SLO");
        Set<String> names = new HashSet<>();
        for (SloSpec s : slos) {
            Configs.require(s != null, "slos", slos, "must not contain null");
            Configs.require(names.add(s.name()), "slos.name", s.name(), "must be unique");
        }
        return this;
    }

    boolean sliding() {
        return slideMicros > 0 && slideMicros < windowSizeMicros;
    }
}
