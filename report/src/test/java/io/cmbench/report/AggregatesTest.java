package io.cmbench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's own summary of windows (used when summary.json lacks a scenario) against the fixture's
 * summary.json, which the fixture computes directly from the completions.
 */
class AggregatesTest {

    @Test
    void windowsMergeToTheSummaryComputedFromCompletions(@TempDir Path tmp) throws Exception {
        RunData d = RunData.load(Fixtures.copyRun(tmp.resolve("run")));
        assertThat(d.scenarios()).containsExactly("cloudmatrix384", "cloudmatrix384-b8", "h800");
        for (String s : d.scenarios()) {
            RunData.ScenarioSummary expected = d.summaries().get(s);
            RunData.ScenarioSummary got = Aggregates.summarize(s, d.windows().get(s), d.config().warmupWindows(),
                    d.config().drainWindows(), SteadyState.ARRIVALS_UNKNOWN, true);
            assertThat(got.steadyStartMicros()).isEqualTo(expected.steadyStartMicros());
            assertThat(got.steadyEndMicros()).isEqualTo(expected.steadyEndMicros());
            assertThat(got.windows()).isEqualTo(expected.windows());
            assertThat(got.steadyWindows()).isEqualTo(expected.steadyWindows());
            assertThat(got.completedRequests()).isEqualTo(expected.completedRequests()).isPositive();
            assertThat(got.outputTokens()).isEqualTo(expected.outputTokens());
            assertThat(got.outputTokensPerSecPerNpu()).isCloseTo(expected.outputTokensPerSecPerNpu(), within(1e-9));
            assertThat(got.prefillTokensPerSecPerNpu()).isCloseTo(expected.prefillTokensPerSecPerNpu(), within(1e-9));
            assertThat(got.slos().keySet()).containsExactlyElementsOf(expected.slos().keySet());
            expected.slos().forEach((k, e) -> {
                RunData.SloCell g = got.slos().get(k);
                assertThat(g.goodRequests()).isEqualTo(e.goodRequests());
                assertThat(g.goodOutputTokens()).isEqualTo(e.goodOutputTokens());
                assertThat(g.goodputTokensPerSecPerNpu()).isCloseTo(e.goodputTokensPerSecPerNpu(), within(1e-9));
                assertThat(g.attainment()).isCloseTo(e.attainment(), within(1e-12));
            });
            // percentiles of exactly merged window histograms = percentiles of all steady-state values
            assertThat(got.ttft()).isEqualTo(expected.ttft());
            assertThat(got.tpot()).isEqualTo(expected.tpot());
            assertThat(got.e2e()).isEqualTo(expected.e2e());
        }
    }

    @Test
    void steadyWindowsAreTheSummarySpan(@TempDir Path tmp) throws Exception {
        RunData d = RunData.load(Fixtures.copyRun(tmp.resolve("run")));
        for (String s : d.scenarios()) {
            RunData.ScenarioSummary sum = d.summaries().get(s);
            assertThat(d.steadyWindows(s)).hasSize(sum.steadyWindows());
            assertThat(d.steadyWindows(s).get(0).startMicros()).isEqualTo(sum.steadyStartMicros());
            assertThat(d.windows().get(s)).hasSize(sum.windows());
        }
    }

    @Test
    void dieSpreadFromCompletionsMatchesTheRequestCount(@TempDir Path tmp) throws Exception {
        RunData d = RunData.load(Fixtures.copyRun(tmp.resolve("run")));
        long total = 0;
        for (String s : d.scenarios()) {
            DieSpread ds = d.dieSpread().get(s);
            long req = java.util.Arrays.stream(ds.requests()).sum();
            long completedInWindows = d.windows().get(s).stream().mapToLong(RunData.Window::completedRequests).sum();
            assertThat(req).isEqualTo(completedInWindows);
            assertThat(java.util.Arrays.stream(ds.tokens()).sum())
                    .isEqualTo(d.windows().get(s).stream().mapToLong(RunData.Window::outputTokens).sum());
            total += req;
        }
        assertThat(total).isEqualTo(d.completions());
        assertThat(d.dieSpread().get("cloudmatrix384").dies()).isEqualTo(16); // 8 NPUs x 2 dies
        assertThat(d.dieSpread().get("h800").dies()).isEqualTo(8);
    }
}
