package io.cmbench.cli;

import io.cmbench.jobs.LatencyHistograms;
import io.cmbench.report.SteadyState;
import io.cmbench.schemas.LatencySummary;
import io.cmbench.schemas.SloResult;
import io.cmbench.schemas.SloWindow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * One scenario's result over the steady state of a run: the tumbling windows left after dropping the first
 * {@code warmupWindows} (the system filling up), the drain windows (the tail draining after arrivals stop) and any
 * windows beyond the drain ({@link SteadyState}: requests still decoding when the drain ended, e.g. one with a million
 * output tokens, counted here instead of stretching the span). Percentiles come from the windows' merged
 * HdrHistograms, so they are exact over the steady state, not averages of per-window percentiles.
 *
 * @param prefillTokensPerSecPerNpu null when the prefill pool did not run (decode-only: requests arrive with their KV
 *     in place, so prompt tokens over idle prefill NPUs would be no throughput)
 * @param beyondDrainWindows windows after the drain's end, left out of every figure
 * @param beyondDrainRequests the requests completed in them
 * @param beyondDrainFromMicros where those windows start; null when there are none
 * @param beyondDrainRequestIds the first of those requests by id (at most {@link #NAMED_BEYOND_DRAIN}), when known
 */
public record RunSummary(
        String scenario,
        int decodeNpus,
        int prefillNpus,
        int windows,
        int steadyWindows,
        long steadyStartMicros,
        long steadyEndMicros,
        long completedRequests,
        long outputTokens,
        double outputTokensPerSecPerNpu,
        Double prefillTokensPerSecPerNpu,
        Map<String, Slo> slos,
        Latency ttft,
        Latency tpot,
        Latency e2e,
        int beyondDrainWindows,
        long beyondDrainRequests,
        Long beyondDrainFromMicros,
        List<String> beyondDrainRequestIds) {

    /** How many of the requests beyond the drain a summary names. */
    static final int NAMED_BEYOND_DRAIN = 10;

    /** The same summary naming its requests beyond the drain. */
    RunSummary withBeyondDrainRequestIds(List<String> ids) {
        return new RunSummary(scenario, decodeNpus, prefillNpus, windows, steadyWindows, steadyStartMicros,
                steadyEndMicros, completedRequests, outputTokens, outputTokensPerSecPerNpu, prefillTokensPerSecPerNpu,
                slos, ttft, tpot, e2e, beyondDrainWindows, beyondDrainRequests, beyondDrainFromMicros, List.copyOf(ids));
    }

    public record Slo(long tpotBoundMicros, long ttftBoundMicros, long goodRequests, long goodOutputTokens,
                      double goodputTokensPerSecPerNpu, double attainment) {}

    /** Percentiles in milliseconds. */
    public record Latency(long count, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs) {
        static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0, 0);
            }
            return new Latency(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                    ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }
    }

    /**
     * How a run's windows are summarized.
     *
     * @param drainWindows a count, or {@link SteadyState#DRAIN_AUTO}
     * @param arrivalsEndMicros the run's last arrival, or {@link SteadyState#ARRIVALS_UNKNOWN}
     * @param prefillRan false in decode-only runs
     */
    public record Rules(int warmupWindows, int drainWindows, long arrivalsEndMicros, boolean prefillRan) {}

    /** Summaries per scenario, in scenario-name order; arrivals unknown (e.g. windows read from a topic). */
    public static List<RunSummary> of(List<SloWindow> windows, int warmupWindows, int drainWindows) {
        return of(windows, new Rules(warmupWindows, drainWindows, SteadyState.ARRIVALS_UNKNOWN, true));
    }

    /** Summaries per scenario, in scenario-name order. */
    public static List<RunSummary> of(List<SloWindow> windows, Rules rules) {
        Map<String, List<SloWindow>> byScenario = new TreeMap<>();
        for (SloWindow w : windows) {
            byScenario.computeIfAbsent(w.getScenario(), k -> new ArrayList<>()).add(w);
        }
        List<RunSummary> out = new ArrayList<>();
        byScenario.forEach((scenario, ws) -> out.add(summarize(scenario, ws, rules)));
        return out;
    }

    static RunSummary summarize(String scenario, List<SloWindow> all, Rules rules) {
        List<SloWindow> ws = new ArrayList<>(all);
        ws.sort(Comparator.comparingLong(SloWindow::getWindowStartMicros));
        SteadyState state = SteadyState.of(ws.stream().map(w -> new SteadyState.Span(w.getWindowStartMicros(),
                w.getWindowEndMicros(), w.getCompletedRequests(), w.getE2e().getMaxMicros())).toList(),
                rules.warmupWindows(), rules.drainWindows(), rules.arrivalsEndMicros());
        List<SloWindow> steady = ws.subList(state.from(), state.to());
        List<SloWindow> beyond = ws.subList(state.kept(), ws.size());
        long start = steady.get(0).getWindowStartMicros();
        long end = steady.get(steady.size() - 1).getWindowEndMicros();
        double seconds = (end - start) / 1e6;
        int decodeNpus = steady.get(0).getDecodeNpus();
        int prefillNpus = steady.get(0).getPrefillNpus();
        long requests = 0;
        long outTokens = 0;
        long promptTokens = 0;
        Map<String, long[]> good = new LinkedHashMap<>(); // name -> {requests, tokens, tpotBound, ttftBound}
        for (SloWindow w : steady) {
            requests += w.getCompletedRequests();
            outTokens += w.getOutputTokens();
            promptTokens += w.getPromptTokens();
            for (SloResult r : w.getSlos()) {
                long[] g = good.computeIfAbsent(r.getName(),
                        k -> new long[] {0, 0, r.getTpotBoundMicros(), r.getTtftBoundMicros()});
                g[0] += r.getGoodRequests();
                g[1] += r.getGoodOutputTokens();
            }
        }
        Map<String, Slo> slos = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : good.entrySet()) {
            long[] g = e.getValue();
            slos.put(e.getKey(), new Slo(g[2], g[3], g[0], g[1], perNpu(g[1], seconds, decodeNpus),
                    requests == 0 ? 0 : (double) g[0] / requests));
        }
        return new RunSummary(scenario, decodeNpus, prefillNpus, ws.size(), steady.size(), start, end, requests,
                outTokens, perNpu(outTokens, seconds, decodeNpus),
                rules.prefillRan() ? perNpu(promptTokens, seconds, prefillNpus) : null, slos,
                merged(steady, SloWindow::getTtft), merged(steady, SloWindow::getTpot), merged(steady, SloWindow::getE2e),
                beyond.size(), beyond.stream().mapToLong(SloWindow::getCompletedRequests).sum(),
                beyond.isEmpty() ? null : beyond.get(0).getWindowStartMicros(), List.of());
    }

    private static double perNpu(long tokens, double seconds, int npus) {
        return seconds <= 0 || npus <= 0 ? 0 : tokens / seconds / npus;
    }

    private static Latency merged(List<SloWindow> windows, Function<SloWindow, LatencySummary> which) {
        Histogram sum = new Histogram(3); // auto-resizing: adds any window's range
        for (SloWindow w : windows) {
            sum.add(LatencyHistograms.decode(bytes(which.apply(w))));
        }
        return Latency.of(sum);
    }

    private static byte[] bytes(LatencySummary s) {
        java.nio.ByteBuffer b = s.getHistogram().duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
