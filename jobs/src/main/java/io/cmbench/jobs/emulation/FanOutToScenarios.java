package io.cmbench.jobs.emulation;

import io.cmbench.jobs.CostModelFactory;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.serde.Envelope;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.scenario.ScenarioPolicies;
import io.cmbench.model.ServingCostModel;
import io.cmbench.schemas.RequestEvent;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Fans every valid, unique request out to each scenario that serves it (its traffic share), with its prefix blocks
 * (the context cache's input), and dead-letters it for a scenario whose decode die can never hold it. Stateless
 * choices are made here ({@link FleetRouting}): the supernode (the fleet's global router) and the cache shard.
 * Instances are chosen downstream by the supernode's router ({@link InstanceRouterFunction}), which sees its requests
 * in (arrival, requestId) order.
 */
public class FanOutToScenarios extends ProcessFunction<Envelope, RequestJob> {
    private static final long serialVersionUID = 1L;
    public static final String STAGE = "fanout";

    private final List<ScenarioSpec> scenarios;
    private final List<ScenarioPolicies> policies;
    private final CostModelFactory factory;
    private final EmulationMode mode;
    private transient List<ServingCostModel> models;

    public FanOutToScenarios(List<ScenarioSpec> scenarios, List<ScenarioPolicies> policies, CostModelFactory factory,
                             EmulationMode mode) {
        this.scenarios = scenarios;
        this.policies = policies;
        this.factory = factory;
        this.mode = mode;
    }

    @Override
    public void open(OpenContext ctx) {
        models = Stages.costModels(scenarios, factory);
    }

    /**
     * The decode instance of a supernode that has only one (the global index the router would give it), else -1: the
     * router chooses. A decode-only run whose supernodes all have one skips the router (ServingEmulationJob).
     */
    static int onlyDecodeInstance(PoolLayout layout, int supernode) {
        return layout.decodeInstancesPerSupernode() == 1 ? supernode : -1;
    }

    @Override
    public void processElement(Envelope e, Context ctx, Collector<RequestJob> out) throws Exception {
        if (models == null) {
            open(null);
        }
        RequestEvent r = e.request();
        String id = r.getRequestId();
        long[] blocks = null;
        if (mode != EmulationMode.DECODE_ONLY && r.getPrefixBlocks() != null && !r.getPrefixBlocks().isEmpty()) {
            List<Long> b = r.getPrefixBlocks();
            blocks = new long[b.size()];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = b.get(i);
            }
        }
        for (int s = 0; s < scenarios.size(); s++) {
            if (!policies.get(s).admits(id)) {
                continue;   // outside this scenario's share of the traffic (ScenarioPolicies.trafficShare)
            }
            PoolLayout layout = models.get(s).layout();
            long need = (long) r.getPromptTokens() + r.getOutputTokens();
            if (mode != EmulationMode.PREFILL_ONLY && need > layout.kvCacheTokensPerDie()) {
                ctx.output(Stages.DEAD_LETTERS, Stages.deadLetter(STAGE, e, "promptTokens",
                        "promptTokens + outputTokens = " + need + " exceeds the KV capacity of a decode die ("
                                + layout.kvCacheTokensPerDie() + " tokens) in scenario '" + scenarios.get(s).name() + "'"));
                continue;
            }
            RequestJob j = new RequestJob();
            j.scenario = s;
            j.requestId = id;
            j.arrivalMicros = r.getArrivalTimeMicros();
            j.promptTokens = r.getPromptTokens();
            j.outputTokens = r.getOutputTokens();
            j.cacheHitTokens = 0;
            j.supernode = FleetRouting.supernodeOf(id, layout.supernodes());
            j.cacheShard = FleetRouting.cacheShardOf(id, blocks);
            // instances are chosen by the supernode's router downstream; a decode-only run's when there is a choice
            j.prefillInstance = -1;
            j.decodeInstance = mode == EmulationMode.DECODE_ONLY ? onlyDecodeInstance(layout, j.supernode) : -1;
            if (blocks != null) {
                j.prefixBlocks = s == 0 ? blocks : blocks.clone();
                j.prefixBlockTokens = r.getPrefixBlockTokens();
            }
            if (mode == EmulationMode.DECODE_ONLY) {
                j.prefillInstance = -1;
                j.prefillStartMicros = j.arrivalMicros;
                j.prefillEndMicros = j.arrivalMicros;
                j.kvTransferEndMicros = j.arrivalMicros;
            }
            out.collect(j);
        }
    }
}
