package io.cmbench.jobs.emulation;

import io.cmbench.jobs.CostModelFactory;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.ServingCostModel;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * KV transfer from the prefill to the decode instance: kvTransferEnd = prefillEnd + kvTransferMicros(prompt + 1)
 * (the prompt's KV plus the first token's). No contention on the RDMA plane is modelled yet. A one-token request
 * is finished by the prefill and needs no transfer (kvTransferEnd = prefillEnd). The first token counts from the end of
 * the transfer (firstToken = kvTransferEnd), so TTFT includes it (DESIGN §5, docs/METRICS.md).
 */
public class KvTransferFunction extends RichMapFunction<RequestJob, RequestJob> {
    private static final long serialVersionUID = 1L;
    private final List<ScenarioSpec> scenarios;
    private final CostModelFactory factory;
    private transient List<ServingCostModel> models;

    public KvTransferFunction(List<ScenarioSpec> scenarios, CostModelFactory factory) {
        this.scenarios = scenarios;
        this.factory = factory;
    }

    @Override
    public void open(OpenContext ctx) {
        models = Stages.costModels(scenarios, factory);
    }

    @Override
    public RequestJob map(RequestJob j) {
        long transfer = j.outputTokens <= 1 ? 0 : Math.max(0L, models.get(j.scenario).kvTransferMicros(j.promptTokens + 1));
        j.kvTransferEndMicros = j.prefillEndMicros + transfer;
        // docs/METRICS.md: TTFT includes the KV transfer — the first token reaches the user with the decode side.
        j.firstTokenMicros = j.kvTransferEndMicros;
        return j;
    }
}
