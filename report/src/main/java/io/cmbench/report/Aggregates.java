package io.cmbench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scenario's summary computed from its windows, by the definitions of docs/METRICS.md (the same as
 * the CLI's RunSummary; both take the steady state from {@link SteadyState}). Used when {@code summary.json} is missing
 * or lacks a scenario.
 */
final class Aggregates {
    private Aggregates() {}

    /**
     * @param ws the scenario's windows, sorted by start
     * @param drain windows left out at the end, or {@link SteadyState#DRAIN_AUTO}
     * @param arrivalsEndMicros the run's last arrival, or {@link SteadyState#ARRIVALS_UNKNOWN}
     * @param prefillRan false in decode-only runs: no prefill throughput then
     */
    static RunData.ScenarioSummary summarize(String scenario, List<RunData.Window> all, int warmup, int drain,
                                             long arrivalsEndMicros, boolean prefillRan) {
        List<RunData.Window> ws = all == null ? List.of() : all;
        if (ws.isEmpty()) {
            return new RunData.ScenarioSummary(scenario, 0, 0, 0, 0, 0, 0, 0, 0, 0, prefillRan ? 0.0 : null, Map.of(),
                    RunData.Latency.empty(), RunData.Latency.empty(), RunData.Latency.empty(), 0, 0, null, List.of());
        }
        SteadyState state = SteadyState.of(ws.stream().map(w -> new SteadyState.Span(w.startMicros(), w.endMicros(),
                w.completedRequests(), w.e2eMaxMicros())).toList(), warmup, drain, arrivalsEndMicros);
        List<RunData.Window> steady = ws.subList(state.from(), state.to());
        List<RunData.Window> beyond = ws.subList(state.kept(), ws.size());
        long start = steady.get(0).startMicros();
        long end = steady.get(steady.size() - 1).endMicros();
        double seconds = (end - start) / 1e6;
        int decodeNpus = steady.get(0).decodeNpus();
        int prefillNpus = steady.get(0).prefillNpus();
        long requests = 0;
        long tokens = 0;
        long prompt = 0;
        Map<String, long[]> good = new LinkedHashMap<>();
        for (RunData.Window w : steady) {
            requests += w.completedRequests();
            tokens += w.outputTokens();
            prompt += w.promptTokens();
            for (RunData.SloCell c : w.slos().values()) {
                long[] g = good.computeIfAbsent(c.name(), k -> new long[] {0, 0, c.tpotBoundMicros(), c.ttftBoundMicros()});
                g[0] += c.goodRequests();
                g[1] += c.goodOutputTokens();
            }
        }
        Map<String, RunData.SloCell> slos = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : good.entrySet()) {
            long[] g = e.getValue();
            slos.put(e.getKey(), new RunData.SloCell(e.getKey(), g[2], g[3], g[0], g[1], perNpu(g[1], seconds, decodeNpus),
                    requests == 0 ? 0 : (double) g[0] / requests));
        }
        return new RunData.ScenarioSummary(scenario, decodeNpus, prefillNpus, ws.size(), steady.size(), start, end,
                requests, tokens, perNpu(tokens, seconds, decodeNpus), prefillRan ? perNpu(prompt, seconds, prefillNpus) : null,
                slos,
                Histograms.latency(Histograms.merge(map(steady, RunData.Window::ttft))),
                Histograms.latency(Histograms.merge(map(steady, RunData.Window::tpot))),
                Histograms.latency(Histograms.merge(map(steady, RunData.Window::e2e))),
                beyond.size(), beyond.stream().mapToLong(RunData.Window::completedRequests).sum(),
                beyond.isEmpty() ? null : beyond.get(0).startMicros(), List.of());
    }

    static double perNpu(long tokens, double seconds, int npus) {
        return seconds <= 0 || npus <= 0 ? 0 : tokens / seconds / npus;
    }

    static List<byte[]> map(List<RunData.Window> ws, java.util.function.Function<RunData.Window, byte[]> f) {
        List<byte[]> out = new ArrayList<>(ws.size());
        ws.forEach(w -> out.add(f.apply(w)));
        return out;
    }
}
