package io.cmbench.jobs.emulation;

import io.cmbench.jobs.CostModelFactory;
import io.cmbench.jobs.serde.AvroTypeInfo;
import io.cmbench.jobs.serde.Envelope;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.ServingCostModel;
import io.cmbench.schemas.DeadLetter;
import io.cmbench.schemas.EngineStep;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.OutputTag;

/** Shared tags, types and helpers of the emulation stages. */
public final class Stages {
    private Stages() {}

    public static final TypeInformation<RequestJob> JOB_TYPE =
            new io.cmbench.jobs.serde.SerializerTypeInfo<>(RequestJob.class, io.cmbench.jobs.serde.RequestJobSerializer.INSTANCE);
    public static final TypeInformation<List<RequestJob>> JOB_LIST_TYPE = Types.LIST(JOB_TYPE);
    public static final OutputTag<EngineStep> STEPS = new OutputTag<>("engine-steps", AvroTypeInfo.forClass(EngineStep.class));
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", AvroTypeInfo.forClass(DeadLetter.class));

    /** Within one timestamp, requests are handled in requestId order. */
    static final Comparator<RequestJob> BY_ID = Comparator.comparing(j -> j.requestId);

    /**
     * Buffers a request in keyed state under the simulated time it is to be handled at and sets an event-time timer
     * there: every stage handles its arrivals on timers, in (time, requestId) order, whatever order they came in.
     */
    static void bufferAtArrival(MapState<Long, List<RequestJob>> pending, RequestJob job, TimerService timers) throws Exception {
        // a request cannot enter before the watermark (guaranteed upstream); clamp defensively
        buffer(pending, Math.max(job.arrivalMicros, timers.currentWatermark() + 1), job, timers);
    }

    static void buffer(MapState<Long, List<RequestJob>> pending, long at, RequestJob job, TimerService timers) throws Exception {
        List<RequestJob> list = pending.get(at);
        if (list == null) {
            list = new ArrayList<>();
        }
        list.add(job);
        pending.put(at, list);
        timers.registerEventTimeTimer(at);
    }

    static List<ServingCostModel> costModels(List<ScenarioSpec> scenarios, CostModelFactory factory) {
        List<ServingCostModel> out = new ArrayList<>(scenarios.size());
        for (ScenarioSpec s : scenarios) {
            out.add(factory.create(s));
        }
        return out;
    }

    public static DeadLetter deadLetter(String stage, Envelope e, String field, String reason) {
        return DeadLetter.newBuilder()
                .setStage(stage)
                .setSourceTopic(e.topic == null ? "" : e.topic)
                .setSourcePartition(e.partition)
                .setSourceOffset(e.offset)
                .setField(field)
                .setReason(reason)
                .setPayload(ByteBuffer.wrap(e.payload == null ? new byte[0] : e.payload))
                .build();
    }
}
