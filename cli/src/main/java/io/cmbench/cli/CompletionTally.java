package io.cmbench.cli;

import io.cmbench.schemas.Completion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The completions of a run as they are read back from Kafka: counted, the latest last token kept, the requests beyond
 * the drain named per scenario (the first {@link RunSummary#NAMED_BEYOND_DRAIN} by id), and every completion kept only
 * when the run writes per-request output — a sweep's memory does not grow with its requests.
 */
final class CompletionTally {
    private final Map<String, Long> beyondDrainFromMicros;
    private final boolean keep;
    private final List<Completion> kept = new ArrayList<>();
    private final Map<String, TreeSet<String>> beyondDrain = new TreeMap<>();
    private long count;
    private long lastTokenMicros;

    /**
     * @param beyondDrainFromMicros per scenario, where its windows beyond the drain start (scenarios without any absent)
     * @param keep whether to keep every completion
     */
    CompletionTally(Map<String, Long> beyondDrainFromMicros, boolean keep) {
        this.beyondDrainFromMicros = beyondDrainFromMicros;
        this.keep = keep;
    }

    void add(Completion c) {
        count++;
        lastTokenMicros = Math.max(lastTokenMicros, c.getLastTokenMicros());
        Long from = beyondDrainFromMicros.get(c.getScenario());
        if (from != null && c.getLastTokenMicros() >= from) {
            TreeSet<String> ids = beyondDrain.computeIfAbsent(c.getScenario(), k -> new TreeSet<>());
            ids.add(c.getRequestId());
            if (ids.size() > RunSummary.NAMED_BEYOND_DRAIN) {
                ids.pollLast();
            }
        }
        if (keep) {
            kept.add(c);
        }
    }

    long count() {
        return count;
    }

    long lastTokenMicros() {
        return lastTokenMicros;
    }

    /** The first requests beyond the drain of a scenario, by id. */
    List<String> beyondDrain(String scenario) {
        return List.copyOf(beyondDrain.getOrDefault(scenario, new TreeSet<>()));
    }

    /** Every completion, by scenario and request id; empty when not kept. */
    List<Completion> sorted() {
        kept.sort(Comparator.comparing(Completion::getScenario).thenComparing(Completion::getRequestId));
        return kept;
    }
}
