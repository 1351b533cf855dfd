package io.cmbench.jobs.emulation;

import io.cmbench.jobs.CostModelFactory;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.ServingCostModel;
import io.cmbench.schemas.Completion;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/** PREFILL_ONLY mode: a request completes with the one token its prefill emits (outputTokens = 1). */
public class PrefillOnlyCompletion extends RichMapFunction<RequestJob, Completion> {
    private static final long serialVersionUID = 1L;
    private final List<ScenarioSpec> scenarios;
    private final CostModelFactory factory;
    private transient List<ServingCostModel> models;

    public PrefillOnlyCompletion(List<ScenarioSpec> scenarios, CostModelFactory factory) {
        this.scenarios = scenarios;
        this.factory = factory;
    }

    @Override
    public void open(OpenContext ctx) {
        models = Stages.costModels(scenarios, factory);
    }

    @Override
    public Completion map(RequestJob j) {
        PoolLayout layout = models.get(j.scenario).layout();
        return Completion.newBuilder()
                .setScenario(scenarios.get(j.scenario).name()).setRequestId(j.requestId)
                .setArrivalTimeMicros(j.arrivalMicros).setPromptTokens(j.promptTokens).setOutputTokens(1)
                .setCacheHitTokens(j.cacheHitTokens)
                .setPrefillStartMicros(j.prefillStartMicros).setPrefillEndMicros(j.prefillEndMicros)
                .setKvTransferEndMicros(j.prefillEndMicros)
                .setFirstTokenMicros(j.prefillEndMicros).setLastTokenMicros(j.prefillEndMicros)
                .setPrefillInstance(j.prefillInstance).setDecodeInstance(-1).setDecodeDie(-1)
                .setPrefillQueueMicros(j.prefillQueueMicros).setDecodeQueueMicros(0)
                .setPrefillNpus(layout.prefillNpus()).setDecodeNpus(layout.decodeNpus()).setSource("emulated")
                .build();
    }
}
