package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.SloSpec;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.schemas.Completion;
import io.cmbench.schemas.SloResult;
import io.cmbench.schemas.SloWindow;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on a real Kafka broker (KRaft, child JVM) and Flink MiniClusters: generator →
 * requests topic → emulation → completions topic → analytics → slo-windows topic, read back with a plain
 * KafkaConsumer and checked against numbers computed here, independently, from the completions.
 */
@Tag("integration")
class EndToEndPipelineTest {

    private static final long WINDOW_MICROS = 5_000_000L;
    private static final List<SloSpec> SLOS = List.of(SloSpec.parse("tpot15"), SloSpec.parse("tpot50"));

    @TempDir
    Path tmp;

    @Test
    void sloWindowsMatchAnIndependentComputationAndRunsAreDeterministicAcrossParallelism() throws Exception {
        EmbeddedRun.Result p1 = new EmbeddedRun(config(tmp.resolve("p1"), 1), quiet()).run();
        EmbeddedRun.Result p2 = new EmbeddedRun(config(tmp.resolve("p2"), 2), quiet()).run();

        assertThat(p1.requests()).isGreaterThan(200);
        assertThat(p1.deadLetters()).isEmpty();
        assertThat(p1.completions()).hasSize((int) p1.requests());
        for (Completion c : p1.completions()) {
            assertThat(c.getLastTokenMicros()).isGreaterThanOrEqualTo(c.getFirstTokenMicros());
            assertThat(c.getFirstTokenMicros()).isGreaterThanOrEqualTo(c.getArrivalTimeMicros());
            assertThat(c.getOutputTokens()).isEqualTo(64);
        }

        Map<Long, Expected> expected = independentWindows(p1.completions());
        assertThat(p1.windows()).extracting(SloWindow::getWindowStartMicros)
                .containsExactlyElementsOf(expected.keySet());
        for (SloWindow w : p1.windows()) {
            Expected e = expected.get(w.getWindowStartMicros());
            assertThat(w.getWindowEndMicros() - w.getWindowStartMicros()).isEqualTo(WINDOW_MICROS);
            assertThat(w.getCompletedRequests()).isEqualTo(e.requests);
            assertThat(w.getOutputTokens()).isEqualTo(e.tokens);
            assertThat(w.getOutputTokensPerSecPerNpu())
                    .isCloseTo(e.tokens / (WINDOW_MICROS / 1e6) / w.getDecodeNpus(), within(1e-9));
            for (int i = 0; i < SLOS.size(); i++) {
                SloResult r = w.getSlos().get(i);
                assertThat(r.getName()).isEqualTo(SLOS.get(i).name());
                assertThat(r.getGoodRequests()).as("%s good requests", r.getName()).isEqualTo(e.goodRequests[i]);
                assertThat(r.getGoodOutputTokens()).isEqualTo(e.goodTokens[i]);
                assertThat(r.getGoodputTokensPerSecPerNpu())
                        .isCloseTo(e.goodTokens[i] / (WINDOW_MICROS / 1e6) / w.getDecodeNpus(), within(1e-9));
                assertThat(r.getAttainment()).isCloseTo((double) e.goodRequests[i] / e.requests, within(1e-12));
            }
        }

        // Same seed and config, parallelism 1 vs 2, and on RocksDB over 3 partitions: byte-identical results.
        EmbeddedRun.Result rocks = new EmbeddedRun(config(tmp.resolve("rocks"), 2)
                .withInfra(new RunConfig.Infra("rocksdb", 3, 0)), quiet()).run();
        for (String file : List.of("completions.jsonl", "slo-windows.jsonl", "summary.json")) {
            assertThat(Files.readString(p2.outDir().resolve(file)))
                    .as(file).isEqualTo(Files.readString(p1.outDir().resolve(file)));
            assertThat(Files.readString(rocks.outDir().resolve(file)))
                    .as("rocksdb " + file).isEqualTo(Files.readString(p1.outDir().resolve(file)));
        }
    }

    private static final class Expected {
        long requests;
        long tokens;
        final long[] goodRequests = new long[SLOS.size()];
        final long[] goodTokens = new long[SLOS.size()];
    }

    /** The metric definitions of docs/METRICS.md, computed directly. */
    private static Map<Long, Expected> independentWindows(List<Completion> completions) {
        Map<Long, Expected> out = new TreeMap<>();
        for (Completion c : completions) {
            long start = Math.floorDiv(c.getLastTokenMicros(), WINDOW_MICROS) * WINDOW_MICROS;
            Expected e = out.computeIfAbsent(start, k -> new Expected());
            e.requests++;
            e.tokens += c.getOutputTokens();
            double tpot = c.getOutputTokens() < 2 ? 0
                    : (double) (c.getLastTokenMicros() - c.getFirstTokenMicros()) / (c.getOutputTokens() - 1);
            for (int i = 0; i < SLOS.size(); i++) {
                if (tpot <= SLOS.get(i).tpotBoundMicros()) {
                    e.goodRequests[i]++;
                    e.goodTokens[i] += c.getOutputTokens();
                }
            }
        }
        return out;
    }

    private static RunConfig config(Path out, int parallelism) {
        return new RunConfig(7L, 20.0, 15.0, 1024, 64, null, parallelism, out, WINDOW_MICROS / 1e6, SLOS, 1, 1, 0,
                null, new Properties(), List.of(ScenarioSpec.paperDefault()), EmulationMode.FULL, true);
    }

    private static PrintStream quiet() {
        return new PrintStream(PrintStream.nullOutputStream());
    }
}
