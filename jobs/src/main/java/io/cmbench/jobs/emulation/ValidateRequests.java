package io.cmbench.jobs.emulation;

import io.cmbench.jobs.serde.Envelope;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * First stage: sends unusable records to the dead-letter output with the reason the source classified them by
 * (undecodable or trailing bytes, impossible values, arrivals outside the run's horizon, arrivals late in their
 * partition or too far ahead of it), drops heartbeats (they have already advanced the watermark at the source) and passes valid requests on.
 */
public class ValidateRequests extends ProcessFunction<Envelope, Envelope> {
    private static final long serialVersionUID = 1L;
    public static final String STAGE = "validate";

    @Override
    public void processElement(Envelope e, Context ctx, Collector<Envelope> out) {
        if (!e.valid()) {
            ctx.output(Stages.DEAD_LETTERS, Stages.deadLetter(STAGE, e, e.field, e.reason));
            return;
        }
        if (e.kind == Envelope.Kind.HEARTBEAT) {
            return;
        }
        if (e.kind != Envelope.Kind.REQUEST) {
            ctx.output(Stages.DEAD_LETTERS, Stages.deadLetter(STAGE, e, null, "not a request record: " + e.kind));
            return;
        }
        // The Kafka source has judged lateness per partition already (PartitionOrderSource), so this never fires for
        // it; it guards other inputs (e.g. in-memory streams) against records the downstream timers would skip.
        long wm = ctx.timerService().currentWatermark();
        if (e.eventTime <= wm) {
            ctx.output(Stages.DEAD_LETTERS, Stages.deadLetter(STAGE, e, "arrivalTimeMicros",
                    "late: arrival " + e.eventTime + " is not after the watermark " + wm
                            + " (partition not in arrival-time order)"));
            return;
        }
        out.collect(e);
    }
}
