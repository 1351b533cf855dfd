package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.cluster.rest.VertexMetrics;
import io.cmbench.cluster.rest.VertexMetrics.Subtask;
import java.util.List;
import org.junit.jupiter.api.Test;

class VertexTableTest {
    private static Subtask subtask(int index, long cpuMillis, String taskManager) {
        return new Subtask(index, 100, 100, 500, 0, 0, cpuMillis, taskManager);
    }

    @Test
    void aKeyedStageOnTwoTaskManagersShowsEachOnesCpuAndTheSpreadWithinIt() {
        VertexMetrics decode = new VertexMetrics("v1", "decode-pool", 4, List.of(subtask(0, 110, "taskmanager-1"),
                subtask(1, 180, "taskmanager-2"), subtask(2, 100, "taskmanager-1"), subtask(3, 200, "taskmanager-2")));
        VertexMetrics source = new VertexMetrics("v0", "Source: requests", 4, List.of(subtask(0, -1, "taskmanager-1"),
                subtask(1, -1, "taskmanager-2"), subtask(2, -1, "taskmanager-1"), subtask(3, -1, "taskmanager-2")));

        assertThat(decode.cpuMaxOverMean()).isEqualTo(200 * 4 / 590.0);
        String text = VertexTable.byTaskManager(List.of(source, decode));
        assertThat(text.lines()).hasSize(2); // a heading and the one keyed stage: the source records no CPU
        assertThat(text).contains("decode-pool").contains("taskmanager-1 210 (1.05)").contains("taskmanager-2 380 (1.05)");
        assertThat(VertexTable.text(List.of(source, decode))).contains("110 180 100 200").doesNotContain("-1");
    }

    @Test
    void oneTaskManagerNeedsNoBreakdown() {
        VertexMetrics v = new VertexMetrics("v1", "dedup", 2, List.of(subtask(0, 10, "tm"), subtask(1, 12, "tm")));
        assertThat(VertexTable.byTaskManager(List.of(v))).isEmpty();
    }
}
