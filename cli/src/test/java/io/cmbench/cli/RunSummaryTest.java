package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmbench.jobs.LatencyHistograms;
import io.cmbench.report.SteadyState;
import io.cmbench.schemas.SloResult;
import io.cmbench.schemas.SloWindow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The run summary of windows: the steady state's span, what is left out of it, and what a decode-only run lacks. */
class RunSummaryTest {
    private static final long S = 1_000_000L;

    static SloWindow window(long startSeconds, long requests, long e2eMicros) {
        Histogram e2e = LatencyHistograms.newHistogram();
        Histogram ms = LatencyHistograms.newHistogram();
        for (int i = 0; i < requests; i++) {
            e2e.recordValue(e2eMicros);
            ms.recordValue(40_000);
        }
        return SloWindow.newBuilder().setScenario("s").setWindowStartMicros(startSeconds * S)
                .setWindowEndMicros((startSeconds + 10) * S).setDecodeNpus(160).setPrefillNpus(96)
                .setCompletedRequests(requests).setOutputTokens(requests * 256).setPromptTokens(requests * 4096)
                .setOutputTokensPerSecPerNpu(requests * 256 / 10.0 / 160).setPrefillTokensPerSecPerNpu(requests * 4096 / 10.0 / 96)
                .setSlos(List.of(SloResult.newBuilder().setName("tpot50").setTpotBoundMicros(50_000).setTtftBoundMicros(-1)
                        .setGoodRequests(requests).setGoodOutputTokens(requests * 256)
                        .setGoodputTokensPerSecPerNpu(requests * 256 / 10.0 / 160).setRequestGoodputPerSec(requests / 10.0)
                        .setAttainment(1).build()))
                .setTtft(LatencyHistograms.summary(ms)).setTpot(LatencyHistograms.summary(ms))
                .setE2e(LatencyHistograms.summary(e2e)).build();
    }

    /** Windows of a 60 s run at 100 requests per window, draining until 80 s. */
    static List<SloWindow> run() {
        List<SloWindow> ws = new ArrayList<>();
        for (long t = 0; t < 80; t += 10) {
            ws.add(window(t, 100, 13 * S));
        }
        return ws;
    }

    @Test
    void aRequestStillDecodingLongAfterTheDrainIsCountedNotStretchingTheSteadyState() throws Exception {
        RunSummary.Rules rules = new RunSummary.Rules(1, SteadyState.DRAIN_AUTO, 60 * S, true);
        RunSummary plain = RunSummary.of(run(), rules).get(0);
        List<SloWindow> withLong = run();
        withLong.add(window(50_000, 1, 50_000 * S)); // one request of 1,000,000 output tokens
        RunSummary s = RunSummary.of(withLong, rules).get(0).withBeyondDrainRequestIds(List.of("r0000000042"));

        assertThat(s.steadyStartMicros()).isEqualTo(10 * S);
        assertThat(s.steadyEndMicros()).isEqualTo(60 * S).isEqualTo(plain.steadyEndMicros());
        assertThat(s.outputTokensPerSecPerNpu()).isEqualTo(plain.outputTokensPerSecPerNpu());
        assertThat(s.e2e()).isEqualTo(plain.e2e());
        assertThat(s.windows()).isEqualTo(9);
        assertThat(s.beyondDrainWindows()).isEqualTo(1);
        assertThat(s.beyondDrainRequests()).isEqualTo(1);
        assertThat(s.beyondDrainFromMicros()).isEqualTo(50_000 * S);
        assertThat(plain.beyondDrainRequests()).isZero();
        assertThat(plain.beyondDrainFromMicros()).isNull();
        // a counted drain (as a workload run had, 1) no longer takes the far window for the drain
        RunSummary counted = RunSummary.of(withLong, new RunSummary.Rules(1, 2, 60 * S, true)).get(0);
        assertThat(counted.steadyEndMicros()).isEqualTo(60 * S);

        JsonNode json = new ObjectMapper().valueToTree(s);
        assertThat(json.path("beyondDrainRequests").asLong()).isEqualTo(1);
        assertThat(json.path("beyondDrainRequestIds").get(0).asText()).isEqualTo("r0000000042");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SummaryTable.printSummaries(new PrintStream(out, true, StandardCharsets.UTF_8), List.of(s));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("steady state 10–60 s (5 of 9 windows)")
                .contains("1 request still decoding at the end of the drain windows (completed from 50000 s on, left out"
                        + " of every figure): r0000000042");
    }

    @Test
    void aDecodeOnlyRunHasNoPrefillThroughputInSummaryJson() throws Exception {
        RunSummary decodeOnly = RunSummary.of(run(), new RunSummary.Rules(1, SteadyState.DRAIN_AUTO, 60 * S, false)).get(0);
        RunSummary full = RunSummary.of(run(), new RunSummary.Rules(1, SteadyState.DRAIN_AUTO, 60 * S, true)).get(0);
        ObjectMapper json = new ObjectMapper();
        JsonNode d = json.valueToTree(decodeOnly);
        assertThat(d.has("prefillTokensPerSecPerNpu")).isTrue();
        assertThat(d.get("prefillTokensPerSecPerNpu").isNull()).as("null, not prompts over idle prefill NPUs").isTrue();
        assertThat(json.valueToTree(full).get("prefillTokensPerSecPerNpu").asDouble()).isEqualTo(100 * 4096 / 10.0 / 96);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SummaryTable.printSummaries(new PrintStream(out, true, StandardCharsets.UTF_8), List.of(decodeOnly), Map.of(), Map.of());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("prefill tok/s per prefill NPU").contains("— (decode-only");
    }
}
