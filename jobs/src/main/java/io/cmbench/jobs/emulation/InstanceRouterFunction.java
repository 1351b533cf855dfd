package io.cmbench.jobs.emulation;

import io.cmbench.jobs.CostModelFactory;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.ServingCostModel;
import io.cmbench.model.scenario.ScenarioPolicies;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * The router of one supernode of a scenario (key = (scenario, supernode)): at each request's arrival, in requestId
 * order, chooses its prefill instance (not in DECODE_ONLY) and its decode instance (not in PREFILL_ONLY) among the
 * supernode's ({@link InstanceRouter}), as global instance indices (supernode × instances per supernode + local).
 * Only O(instances) counters stay in state; the request leaves at its arrival time.
 */
public class InstanceRouterFunction extends CpuTimedKeyedProcessFunction<Long, RequestJob, RequestJob> {
    private static final long serialVersionUID = 1L;

    private final List<ScenarioSpec> scenarios;
    private final List<ScenarioPolicies> policies;
    private final CostModelFactory factory;
    private final EmulationMode mode;
    private transient List<ServingCostModel> models;
    private transient MapState<Long, List<RequestJob>> pending;
    private transient ValueState<InstanceRouter> router;

    public InstanceRouterFunction(List<ScenarioSpec> scenarios, List<ScenarioPolicies> policies, CostModelFactory factory,
                                  EmulationMode mode) {
        this.scenarios = scenarios;
        this.policies = policies;
        this.factory = factory;
        this.mode = mode;
    }

    @Override
    protected void setUp(OpenContext ctx) {
        models = Stages.costModels(scenarios, factory);
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("route-pending", Types.LONG, Stages.JOB_LIST_TYPE));
        router = getRuntimeContext().getState(new ValueStateDescriptor<>("instance-router", Types.POJO(InstanceRouter.class)));
    }

    @Override
    public void processElement(RequestJob job, Context ctx, Collector<RequestJob> out) throws Exception {
        Stages.bufferAtArrival(pending, job, ctx.timerService());
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<RequestJob> out) throws Exception {
        long key = ctx.getCurrentKey();
        int s = RequestJob.scenarioOf(key);
        int supernode = RequestJob.instanceOf(key);
        List<RequestJob> arrivals = pending.get(t);
        if (arrivals == null) {
            return;
        }
        PoolLayout layout = models.get(s).layout();
        int prefillPer = layout.prefillInstancesPerSupernode();
        int decodePer = layout.decodeInstancesPerSupernode();
        InstanceRouter r = router.value();
        if (r == null) {
            r = InstanceRouter.create(prefillPer, decodePer);
        }
        ScenarioPolicies policy = policies.get(s);
        arrivals.sort(Stages.BY_ID);
        for (RequestJob j : arrivals) {
            if (mode != EmulationMode.DECODE_ONLY) {
                j.prefillInstance = supernode * prefillPer + r.routePrefill(policy.prefillRouting(), t, j.soloPrefillMicros);
            }
            if (mode != EmulationMode.PREFILL_ONLY) {
                j.decodeInstance = supernode * decodePer + r.decode.route(policy.decodeRouting(), j);
            }
            out.collect(j);
        }
        pending.remove(t);
        router.update(r);
    }
}
