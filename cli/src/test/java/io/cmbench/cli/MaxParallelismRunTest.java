package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.SloSpec;
import io.cmbench.model.ScenarioSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every parallelism `--parallelism` accepts runs embedded: the one MiniCluster TaskManager gets network memory for it
 * ({@link FlinkLocal#networkMemory}; with Flink's fixed 64 MB, full mode failed from 32 on for want of network
 * buffers), and the results equal those at parallelism 1.
 */
@Tag("integration")
class MaxParallelismRunTest {
    @TempDir
    Path tmp;

    private static RunConfig full(Path out, int parallelism) {
        return new RunConfig(3L, 10.0, 30.0, 1024, 64, null, parallelism, out, 5.0,
                List.of(SloSpec.parse("tpot15"), SloSpec.parse("tpot50")), 1, 1, 0, null, new Properties(),
                List.of(ScenarioSpec.paperDefault()), EmulationMode.FULL, true);
    }

    @Test
    void aFullRunAtTheHighestAcceptedParallelismEqualsTheRunAtParallelism1() throws Exception {
        java.io.PrintStream quiet = new java.io.PrintStream(java.io.PrintStream.nullOutputStream());
        EmbeddedRun.Result one = new EmbeddedRun(full(tmp.resolve("p1"), 1), quiet).run();
        EmbeddedRun.Result max = new EmbeddedRun(full(tmp.resolve("max"), InputChecks.MAX_PARALLELISM), quiet).run();
        assertThat(max.completions()).hasSize((int) one.requests()).isNotEmpty();
        for (String f : List.of("completions.jsonl", "slo-windows.jsonl", "summary.json")) {
            assertThat(Files.readString(max.outDir().resolve(f))).as(f)
                    .isEqualTo(Files.readString(one.outDir().resolve(f)));
        }
    }
}
