package io.cmbench.jobs.analytics;

import io.cmbench.schemas.Completion;
import io.cmbench.schemas.DeadLetter;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Completions that arrived after their windows closed (past the allowed lateness) become dead letters, and are
 * counted in the {@code lateCompletions} metric: never dropped silently.
 */
public class LateToDeadLetter extends RichMapFunction<Completion, DeadLetter> {
    private static final long serialVersionUID = 1L;
    public static final String STAGE = "slo-window";
    private final String sourceTopic;
    private transient Counter late;

    public LateToDeadLetter(String sourceTopic) {
        this.sourceTopic = sourceTopic;
    }

    @Override
    public void open(OpenContext ctx) {
        late = getRuntimeContext().getMetricGroup().counter("lateCompletions");
    }

    @Override
    public DeadLetter map(Completion c) throws Exception {
        if (late != null) {
            late.inc();
        }
        return DeadLetter.newBuilder()
                .setStage(STAGE).setSourceTopic(sourceTopic).setSourcePartition(-1).setSourceOffset(-1)
                .setField("lastTokenMicros")
                .setReason("late: completion of scenario '" + c.getScenario() + "' at " + c.getLastTokenMicros()
                        + " µs arrived after its window(s) closed (out-of-orderness + allowed lateness exceeded)")
                .setPayload(ByteBuffer.wrap(io.cmbench.jobs.serde.Envelope.toBytes(c.toByteBuffer())))
                .build();
    }

    /** A partial the keyed window stage dropped as late: its completions are gone, so say how many and where. */
    public static DeadLetter forPartial(WindowPartial p, String sourceTopic) {
        return DeadLetter.newBuilder()
                .setStage(STAGE).setSourceTopic(sourceTopic).setSourcePartition(-1).setSourceOffset(-1)
                .setField("windowStartMicros")
                .setReason("late partial: " + p.totals.count + " completions of scenario '" + p.scenario()
                        + "' for window [" + p.windowStartMicros + ", " + p.windowEndMicros + ") µs arrived after it closed")
                .setPayload(ByteBuffer.wrap(new byte[0]))
                .build();
    }
}
