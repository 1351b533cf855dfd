package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.SloSpec;
import io.cmbench.model.ScenarioSpec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live run (generator paced on the wall clock, emulation and live analytics unbounded at the same time, a drain at
 * the end) gives the bounded run's results: the same completions and summary.json, byte for byte — here at 4x real
 * time, on an embedded broker and MiniClusters, full mode (prefill, KV transfer, decode).
 */
@Tag("integration")
class LiveRunTest {
    @TempDir
    Path tmp;

    private static RunConfig config(Path out) {
        return new RunConfig(7L, 30.0, 40.0, 1024, 64, null, 2, out, 2.0,
                List.of(SloSpec.parse("tpot15"), SloSpec.parse("tpot50")), 1, RunConfig.DRAIN_AUTO, 0, null,
                new Properties(), List.of(ScenarioSpec.paperDefault()), EmulationMode.FULL, true);
    }

    private static PrintStream quiet() {
        return new PrintStream(PrintStream.nullOutputStream());
    }

    @Test
    void aLiveRunHasTheCompletionsAndSummaryOfTheBoundedRun() throws Exception {
        EmbeddedRun.Result bounded = new EmbeddedRun(config(tmp.resolve("bounded")), quiet()).run();
        LiveRun live = new LiveRun(config(tmp.resolve("live")), 4.0, false, quiet(), new LiveRun.Observer() {});
        EmbeddedRun.Result result = live.run();

        assertThat(bounded.requests()).isGreaterThan(500);
        assertThat(result.requests()).isEqualTo(bounded.requests());
        assertThat(Files.readString(result.outDir().resolve("completions.jsonl")))
                .isEqualTo(Files.readString(bounded.outDir().resolve("completions.jsonl")));
        assertThat(Files.readString(result.outDir().resolve("summary.json")))
                .isEqualTo(Files.readString(bounded.outDir().resolve("summary.json")));
        assertThat(result.outDir().resolve("report.html")).doesNotExist(); // RunCommand writes it, as for any run

        // the run was live: every request completed while it went on, and windows appeared before the end
        LiveRun.Facts facts = live.facts();
        assertThat(facts.completionsSeen()).isEqualTo(bounded.requests());
        assertThat(facts.interrupted()).isFalse();
        assertThat(facts.lastArrivalMicros()).isEqualTo(30_000_000L);
        // windows closed while the run went on (those of the first ~20 simulated s close with 8 s to spare)
        assertThat(facts.windows()).hasSizeGreaterThanOrEqualTo(5);
        assertThat(facts.windows()).allMatch(w -> w.seenMillis() >= facts.pacingStartMillis());
        // the live view's scratch topics went with the run; the drain heartbeats are not requests
        assertThat(result.deadLetters()).isEmpty();
    }
}
