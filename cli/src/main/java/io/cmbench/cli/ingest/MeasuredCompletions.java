package io.cmbench.cli.ingest;

import io.cmbench.schemas.Completion;
import java.util.ArrayList;
import java.util.List;

/**
 * Measured requests as completions for the SLO analytics, rebased so the earliest arrival is time 0 (as in emulated
 * runs). A measured system has no separate prefill and KV-transfer phases here: both end at the first token.
 */
public final class MeasuredCompletions {
    private MeasuredCompletions() {}

    public static List<Completion> of(List<MeasuredRequest> requests, String scenario, int decodeNpus, int prefillNpus) {
        long origin = requests.stream().mapToLong(MeasuredRequest::arrivalMicros).min().orElse(0);
        List<Completion> out = new ArrayList<>(requests.size());
        for (MeasuredRequest r : requests) {
            long arrival = r.arrivalMicros() - origin;
            long first = r.firstTokenMicros() - origin;
            out.add(Completion.newBuilder().setScenario(scenario).setRequestId(r.requestId())
                    .setArrivalTimeMicros(arrival).setPromptTokens(r.promptTokens())
                    .setOutputTokens(r.outputTokens()).setPrefillStartMicros(arrival)
                    .setPrefillEndMicros(first).setKvTransferEndMicros(first)
                    .setFirstTokenMicros(first).setLastTokenMicros(r.lastTokenMicros() - origin)
                    .setPrefillNpus(prefillNpus).setDecodeNpus(decodeNpus).setSource("measured").build());
        }
        return out;
    }
}
