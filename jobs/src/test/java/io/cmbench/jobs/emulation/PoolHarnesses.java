package io.cmbench.jobs.emulation;

import io.cmbench.jobs.FakeCostModel;
import io.cmbench.model.ScenarioSpec;
import java.util.List;

final class PoolHarnesses {
    private PoolHarnesses() {}

    static final List<ScenarioSpec> ONE_SCENARIO = List.of(new ScenarioSpec("s0", "fake", "fake", "fake", 0));

    static RequestJob job(String id, long arrival, int prompt, int out) {
        RequestJob j = new RequestJob();
        j.scenario = 0;
        j.requestId = id;
        j.arrivalMicros = arrival;
        j.promptTokens = prompt;
        j.outputTokens = out;
        j.prefillInstance = 0;
        j.decodeInstance = 0;
        return j;
    }

    /** A job that finished prefill at prefillEnd and whose KV reached decode at kvEnd (FULL mode). */
    static RequestJob prefilled(String id, long prefillEnd, long kvEnd, int prompt, int out) {
        RequestJob j = job(id, 0, prompt, out);
        j.prefillStartMicros = 0;
        j.prefillEndMicros = prefillEnd;
        j.kvTransferEndMicros = kvEnd;
        j.firstTokenMicros = kvEnd;
        return j;
    }

    static FakeCostModel model(io.cmbench.model.PoolLayout layout) {
        return FakeCostModel.simple(layout);
    }
}
