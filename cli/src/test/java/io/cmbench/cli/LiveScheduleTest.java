package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.loadgen.RequestStream;
import io.cmbench.loadgen.WorkloadSpec;
import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.RequestEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** What a live run publishes: the workload's stream, then drain heartbeats on the grid until all completed. */
class LiveScheduleTest {
    private static final long H = 1_000_000L; // the default heartbeat interval

    private static List<RequestEvent> drainAll(LiveSchedule s) {
        List<RequestEvent> out = new ArrayList<>();
        s.forEachRemaining(out::add);
        return out;
    }

    @Test
    void theWholeStreamComesFirstUnchangedThenHeartbeatsOnTheGridUntilAllCompleted() {
        WorkloadSpec spec = WorkloadSpec.poisson(50, 10_500_000L, 128, 16);
        List<RequestEvent> bounded = new ArrayList<>();
        new RequestStream(spec, 3).forEachRemaining(bounded::add);
        int[] asked = {0};
        RequestStream stream = new RequestStream(spec, 3);
        // "all completed" after the third drain heartbeat has been handed out
        LiveSchedule s = new LiveSchedule(stream, new AtomicBoolean(), () -> asked[0]++ >= 6, 60_000_000L, () -> {});
        List<RequestEvent> live = drainAll(s);

        assertThat(live.subList(0, bounded.size())).isEqualTo(bounded);
        List<RequestEvent> drain = live.subList(bounded.size(), live.size());
        assertThat(drain).isNotEmpty().allMatch(e -> e.getKind() == EventKind.HEARTBEAT);
        assertThat(drain.get(0).getArrivalTimeMicros()).isEqualTo(11 * H); // the grid point after the span's end 10.5 s
        for (int i = 1; i < drain.size(); i++) {
            assertThat(drain.get(i).getArrivalTimeMicros() - drain.get(i - 1).getArrivalTimeMicros()).isEqualTo(H);
        }
        // heartbeat ids go on from the stream's: no id repeats
        assertThat(live.stream().map(RequestEvent::getRequestId).distinct().count()).isEqualTo(live.size());
        assertThat(s.lastArrivalMicros()).isEqualTo(10_500_000L);
    }

    @Test
    void aStopEndsTheArrivalsAtOnceAndTheDrainIsBoundedByItsLimit() {
        WorkloadSpec spec = WorkloadSpec.poisson(50, 600_000_000L, 128, 16);
        AtomicBoolean stop = new AtomicBoolean();
        LiveSchedule s = new LiveSchedule(new RequestStream(spec, 3), stop, () -> false, 5 * H, () -> {});
        List<RequestEvent> requests = new ArrayList<>();
        while (requests.size() < 100) {
            RequestEvent e = s.next();
            if (e.getKind() == EventKind.REQUEST) {
                requests.add(e);
            }
        }
        stop.set(true);
        long last = s.lastArrivalMicros();
        List<RequestEvent> rest = drainAll(s);
        assertThat(rest).allMatch(e -> e.getKind() == EventKind.HEARTBEAT)
                .allMatch(e -> e.getArrivalTimeMicros() > last && e.getArrivalTimeMicros() <= last + 5 * H);
        assertThat(rest).hasSizeBetween(4, 5); // never completed: the drain ends at its limit
    }

    @Test
    void aFailedJobEndsTheSchedule() throws Exception {
        WorkloadSpec spec = WorkloadSpec.poisson(50, 600_000_000L, 128, 16);
        LiveSchedule s = new LiveSchedule(new RequestStream(spec, 3), new AtomicBoolean(), () -> false, H,
                () -> { throw new IllegalStateException("emulation job ended: boom"); });
        Thread.sleep(1100); // the check runs about once a wall-clock second
        assertThatThrownBy(s::hasNext).hasMessageContaining("boom");
    }
}
