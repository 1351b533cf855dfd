package io.cmbench.jobs.analytics;

import io.cmbench.schemas.Completion;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * First half of a two-phase window aggregation: folds completions into per-(scenario, window) partials inside each
 * parallel subtask, so that the keyed window stage (one key per scenario) merges a few partials per window instead
 * of deserializing every completion on one core.
 *
 * <p>Same window semantics as Flink's window operator with {@link org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger}:
 * a completion whose windows all ended more than the allowed lateness before the current watermark goes to the
 * {@code late} side output; one that falls into an already fired window within the allowed lateness is sent on at
 * once (the window re-fires, as it would for the single record). Otherwise a partial is emitted, with the window's
 * max timestamp, just before the watermark that passes the window's end is forwarded — so partials are never late
 * downstream. All partials are flushed before a checkpoint barrier: the operator holds no state.
 */
public final class LocalWindowAggregator extends AbstractStreamOperator<WindowPartial>
        implements OneInputStreamOperator<Completion, WindowPartial> {
    private static final long serialVersionUID = 1L;
    private final WindowAssigner<Object, TimeWindow> assigner;
    private final long allowedLatenessMicros;
    private final SloAggregate aggregate;
    private final OutputTag<Completion> late;
    private transient Map<Key, WindowAccumulator> partials;
    private transient long watermark;
    private transient WindowAssigner.WindowAssignerContext assignerContext;
    /**
     * The partial the last completion went to: completions come nearly in time order, so most land in the same
     * (scenario, window) as the one before and skip the map. Forgotten when partials are flushed.
     */
    private transient Key lastKey;
    private transient WindowAccumulator lastPartial;

    private record Key(String scenario, long start, long end) {}

    public LocalWindowAggregator(WindowAssigner<Object, TimeWindow> assigner, long allowedLatenessMicros,
                                 SloAggregate aggregate, OutputTag<Completion> late) {
        this.assigner = Objects.requireNonNull(assigner);
        this.allowedLatenessMicros = allowedLatenessMicros;
        this.aggregate = Objects.requireNonNull(aggregate);
        this.late = Objects.requireNonNull(late);
    }

    @Override
    public void open() throws Exception {
        super.open();
        partials = new HashMap<>();
        watermark = Long.MIN_VALUE;
        assignerContext = new WindowAssigner.WindowAssignerContext() {
            @Override
            public long getCurrentProcessingTime() {
                return getProcessingTimeService().getCurrentProcessingTime();
            }
        };
    }

    @Override
    public void processElement(StreamRecord<Completion> record) throws Exception {
        Completion c = record.getValue();
        Collection<TimeWindow> windows = assigner.assignWindows(c, record.getTimestamp(), assignerContext);
        boolean counted = false;
        for (TimeWindow w : windows) {
            if (cleanupTime(w) <= watermark) {
                continue; // this window is gone
            }
            counted = true;
            if (w.maxTimestamp() <= watermark) {
                // the window already fired: send at once so that it re-fires with this completion
                emit(w.getStart(), w.getEnd(), aggregate.add(c, aggregate.createAccumulator()));
            } else {
                addToPartial(c, w);
            }
        }
        if (!counted) {
            output.collect(late, record);
        }
    }

    private void addToPartial(Completion c, TimeWindow w) {
        Key k = lastKey;
        if (k == null || k.start() != w.getStart() || k.end() != w.getEnd() || !k.scenario().equals(c.getScenario())) {
            k = new Key(c.getScenario(), w.getStart(), w.getEnd());
            WindowAccumulator a = partials.get(k);
            if (a == null) {
                a = aggregate.createAccumulator();
                partials.put(k, a);
            }
            lastKey = k;
            lastPartial = a;
        }
        WindowAccumulator added = aggregate.add(c, lastPartial);
        if (added != lastPartial) { // SloAggregate adds in place; another aggregate may hand back a new one
            partials.put(k, added);
            lastPartial = added;
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush(mark.getTimestamp());
        watermark = mark.getTimestamp();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush(Long.MAX_VALUE);
    }

    @Override
    public void finish() throws Exception {
        flush(Long.MAX_VALUE);
        super.finish();
    }

    /** Partials held now (for tests: none after a watermark past their windows or a checkpoint barrier). */
    int heldPartials() {
        return partials.size();
    }

    /** Emits (in window order, for readable traces) the partials of windows whose max timestamp is &le; {@code upTo}. */
    private void flush(long upTo) {
        lastKey = null;
        lastPartial = null;
        List<Map.Entry<Key, WindowAccumulator>> due = new ArrayList<>();
        for (Iterator<Map.Entry<Key, WindowAccumulator>> it = partials.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, WindowAccumulator> e = it.next();
            if (e.getKey().end() - 1 <= upTo) {
                due.add(e);
                it.remove();
            }
        }
        due.sort((a, b) -> Long.compare(a.getKey().start(), b.getKey().start()));
        for (Map.Entry<Key, WindowAccumulator> e : due) {
            emit(e.getKey().start(), e.getKey().end(), e.getValue());
        }
    }

    private void emit(long start, long end, WindowAccumulator totals) {
        output.collect(new StreamRecord<>(new WindowPartial(start, end, totals), end - 1));
    }

    /** As in Flink's window operator: the window's max timestamp plus the allowed lateness, saturating. */
    private long cleanupTime(TimeWindow w) {
        long t = w.maxTimestamp() + allowedLatenessMicros;
        return t >= w.maxTimestamp() ? t : Long.MAX_VALUE;
    }
}
