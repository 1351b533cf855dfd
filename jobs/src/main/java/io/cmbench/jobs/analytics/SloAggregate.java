package io.cmbench.jobs.analytics;

import io.cmbench.jobs.SloSpec;
import io.cmbench.schemas.Completion;
import java.util.List;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Folds completions into a {@link WindowAccumulator}. Definitions (docs/METRICS.md): TTFT = first − arrival,
 * E2E = last − arrival, TPOT = (last − first) / (n − 1) for n &ge; 2 output tokens (rounded to the nearest µs in the
 * histogram; one-token requests have no TPOT). SLO k is met when TTFT &le; its TTFT bound (if any) and
 * last − first &le; bound × (n − 1) (exact; trivially true for n = 1). Output tokens are also summed per decode die
 * (decodeInstance, decodeDie) for the window's die load; completions without a die (decodeDie &lt; 0: prefill-only,
 * finished by the prefill, or measured without die information) are not counted there.
 */
public class SloAggregate implements AggregateFunction<Completion, WindowAccumulator, WindowAccumulator> {
    private static final long serialVersionUID = 1L;
    private final List<SloSpec> slos;

    public SloAggregate(List<SloSpec> slos) {
        this.slos = List.copyOf(slos);
    }

    @Override
    public WindowAccumulator createAccumulator() {
        return new WindowAccumulator(slos.size());
    }

    @Override
    public WindowAccumulator add(Completion c, WindowAccumulator a) {
        if (a.scenario == null) {
            a.scenario = c.getScenario();
        }
        int n = c.getOutputTokens();
        a.decodeNpus = Math.max(a.decodeNpus, c.getDecodeNpus());
        a.prefillNpus = Math.max(a.prefillNpus, c.getPrefillNpus());
        a.count++;
        a.outputTokens += n;
        a.promptTokens += c.getPromptTokens();
        if (c.getDecodeDie() >= 0) {
            a.addDieTokens(WindowAccumulator.dieKey(c.getDecodeInstance(), c.getDecodeDie()), n);
        }
        long ttft = Math.max(0L, c.getFirstTokenMicros() - c.getArrivalTimeMicros());
        long decodeSpan = Math.max(0L, c.getLastTokenMicros() - c.getFirstTokenMicros());
        a.ttft.recordValue(ttft);
        a.e2e.recordValue(Math.max(0L, c.getLastTokenMicros() - c.getArrivalTimeMicros()));
        if (n >= 2) {
            a.tpot.recordValue((decodeSpan + (n - 1) / 2) / (n - 1));
        }
        for (int i = 0; i < slos.size(); i++) {
            if (slos.get(i).isMetBy(ttft, c.getFirstTokenMicros(), c.getLastTokenMicros(), n)) {
                a.goodRequests[i]++;
                a.goodOutputTokens[i] += n;
            }
        }
        return a;
    }

    @Override
    public WindowAccumulator getResult(WindowAccumulator a) {
        return a;
    }

    @Override
    public WindowAccumulator merge(WindowAccumulator a, WindowAccumulator b) {
        return a.mergeFrom(b);
    }
}
