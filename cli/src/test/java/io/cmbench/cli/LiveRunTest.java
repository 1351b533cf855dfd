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
        MetricsScrapes scrapes = new MetricsScrapes();
        LiveRun live = new LiveRun(config(tmp.resolve("live")), 4.0, false, quiet(), scrapes);
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

        // each job's MiniCluster reported its Flink metrics to Prometheus on 127.0.0.1 while it ran: the emulation's
        // tasks, and the analytics' latest window per scenario once windows had closed
        assertThat(scrapes.endpoints).hasSize(2).allMatch(e -> e.startsWith("http://127.0.0.1:"));
        assertThat(scrapes.whilePacing.get(0)).contains("flink_taskmanager_job_task_numRecordsIn")
                .contains("job_name=\"cmbench_serving_emulation");
        assertThat(scrapes.afterDrain.get(1)).contains("outputTokensPerSecPerNpu");
    }

    /** Reads every metrics endpoint of the run when pacing starts and once the requests have drained. */
    private static final class MetricsScrapes implements LiveRun.Observer {
        List<String> endpoints = List.of();
        final List<String> whilePacing = new java.util.ArrayList<>();
        final List<String> afterDrain = new java.util.ArrayList<>();

        @Override
        public void pacing(LiveJobs jobs, long pacingStartMillis) {
            endpoints = jobs.metricsEndpoints();
            endpoints.forEach(e -> whilePacing.add(get(e)));
        }

        @Override
        public void drained() {
            endpoints.forEach(e -> afterDrain.add(get(e)));
        }

        private static String get(String url) {
            try {
                var response = java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(url).isEqualTo(200);
                return response.body();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(url, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
