package io.cmbench.jobs.emulation;

import io.cmbench.jobs.CostModelFactory;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.ServingCostModel;
import io.cmbench.model.scenario.ScenarioPolicies;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * DECODE_ONLY mode: routes each request of a scenario (key = {@link RequestJob#scenarioKey()}) to a decode instance
 * with the scenario's {@link DecodeRouter}, in (arrival, requestId) order, on an event-time timer at the arrival.
 * Emits the request at its arrival time. Only the router's O(instances) counters stay in state.
 */
public class DecodeRouterFunction extends KeyedProcessFunction<Long, RequestJob, RequestJob> {
    private static final long serialVersionUID = 1L;

    private final List<ScenarioSpec> scenarios;
    private final List<ScenarioPolicies> policies;
    private final CostModelFactory factory;
    private transient List<ServingCostModel> models;
    private transient MapState<Long, List<RequestJob>> pending;
    private transient ValueState<DecodeRouter> router;

    public DecodeRouterFunction(List<ScenarioSpec> scenarios, List<ScenarioPolicies> policies, CostModelFactory factory) {
        this.scenarios = scenarios;
        this.policies = policies;
        this.factory = factory;
    }

    @Override
    public void open(OpenContext ctx) {
        models = Stages.costModels(scenarios, factory);
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("route-pending", Types.LONG, Stages.JOB_LIST_TYPE));
        router = getRuntimeContext().getState(new ValueStateDescriptor<>("decode-router", Types.POJO(DecodeRouter.class)));
    }

    @Override
    public void processElement(RequestJob job, Context ctx, Collector<RequestJob> out) throws Exception {
        long at = Math.max(job.arrivalMicros, ctx.timerService().currentWatermark() + 1);
        List<RequestJob> list = pending.get(at);
        if (list == null) {
            list = new ArrayList<>();
        }
        list.add(job);
        pending.put(at, list);
        ctx.timerService().registerEventTimeTimer(at);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<RequestJob> out) throws Exception {
        int s = (int) (long) ctx.getCurrentKey();
        List<RequestJob> arrivals = pending.get(t);
        if (arrivals == null) {
            return;
        }
        DecodeRouter r = router.value();
        if (r == null) {
            r = DecodeRouter.create(models.get(s).layout().decodeInstances());
        }
        arrivals.sort(Stages.BY_ID);
        for (RequestJob j : arrivals) {
            j.decodeInstance = r.route(policies.get(s).decodeRouting(), j);
            out.collect(j);
        }
        pending.remove(t);
        router.update(r);
    }
}
