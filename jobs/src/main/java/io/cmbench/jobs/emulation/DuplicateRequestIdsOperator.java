package io.cmbench.jobs.emulation;

import io.cmbench.jobs.serde.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * The {@code dedup} stage's operator: {@link DuplicateRequestIds} under Flink's keyed process operator, plus the
 * forgetting of decided ids once the watermark passes their forget time.
 *
 * <p>Why not a timer per id: the ids' forget timers (one per request, a simulated minute ahead) made the stage's timer
 * queue some 75,000 entries deep at the paper's rate, and pushing and popping it was a third of the stage's time.
 * Here the ids wait in buckets of one simulated second, in arrival order of their decision. Nothing in the results
 * depends on when an id is forgotten — the function judges an id's retention by arrival times alone — so this list is
 * memory upkeep only: it is not checkpointed, and a restored (or rescaled) subtask rebuilds it from the ids in its
 * state.
 */
public final class DuplicateRequestIdsOperator extends KeyedProcessOperator<String, Envelope, Envelope> {
    private static final long serialVersionUID = 1L;
    static final long BUCKET_MICROS = 1_000_000L;

    private final DuplicateRequestIds dedup;
    /** bucket (forget time / BUCKET_MICROS) → ids decided with a forget time in it. */
    private transient TreeMap<Long, List<String>> forgetting;

    public DuplicateRequestIdsOperator(DuplicateRequestIds dedup) {
        super(dedup);
        this.dedup = dedup;
    }

    @Override
    public void open() throws Exception {
        super.open();
        forgetting = new TreeMap<>();
        dedup.forgetVia(this::forgetAt);
        // after a restore: the ids in state, whose forget times this list (not checkpointed) does not hold yet
        this.<String>getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                DuplicateRequestIds.STATE, (String id, ValueState<RequestIdState> s) -> {
                    RequestIdState st = s.value();
                    if (st != null && st.decided) {
                        forgetAt(st.forgetAtMicros, id);
                    }
                });
    }

    private void forgetAt(long forgetAtMicros, String id) {
        forgetting.computeIfAbsent(Math.floorDiv(forgetAtMicros, BUCKET_MICROS), b -> new ArrayList<>()).add(id);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark); // first the arrivals it reaches, so that ids decided now can go at once
        long wm = mark.getTimestamp();
        // buckets the watermark has wholly passed (bucket k ends at (k + 1) * BUCKET - 1); an id decided again since
        // (reused after its retention) stays
        long passed = wm == Long.MAX_VALUE ? Long.MAX_VALUE : Math.floorDiv(wm + 1, BUCKET_MICROS);
        for (Map.Entry<Long, List<String>> b = forgetting.firstEntry(); b != null && b.getKey() < passed;
             b = forgetting.firstEntry()) {
            forgetting.pollFirstEntry();
            for (String id : b.getValue()) {
                setCurrentKey(id);
                dedup.forgetIfDue(wm);
            }
        }
    }
}
