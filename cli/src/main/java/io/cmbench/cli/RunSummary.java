package io.cmbench.cli;

import io.cmbench.jobs.LatencyHistograms;
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
 * One scenario's result over the steady state of a run: the tumbling windows left after dropping the
 * first {@code warmupWindows} (the system filling up) and the last {@code drainWindows} (the tail
 * draining after arrivals stop). Percentiles come from the windows' merged HdrHistograms, so they are
 * exact over the steady state, not averages of per-window percentiles.
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
        double prefillTokensPerSecPerNpu,
        Map<String, Slo> slos,
        Latency ttft,
        Latency tpot,
        Latency e2e) {

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

    /** Summaries per scenario, in scenario-name order. */
    public static List<RunSummary> of(List<SloWindow> windows, int warmupWindows, int drainWindows) {
        Map<String, List<SloWindow>> byScenario = new TreeMap<>();
        for (SloWindow w : windows) {
            byScenario.computeIfAbsent(w.getScenario(), k -> new ArrayList<>()).add(w);
        }
        List<RunSummary> out = new ArrayList<>();
        byScenario.forEach((scenario, ws) -> out.add(summarize(scenario, ws, warmupWindows, drainWindows)));
        return out;
    }

    /** As {@link #of}, leaving out, per scenario, every window that starts at or after {@code arrivalsEndMicros}. */
    public static List<RunSummary> ofArrivalsUntil(List<SloWindow> windows, int warmupWindows, long arrivalsEndMicros) {
        Map<String, List<SloWindow>> byScenario = new TreeMap<>();
        for (SloWindow w : windows) {
            byScenario.computeIfAbsent(w.getScenario(), k -> new ArrayList<>()).add(w);
        }
        List<RunSummary> out = new ArrayList<>();
        byScenario.forEach((scenario, ws) -> out.add(summarize(scenario, ws, warmupWindows,
                (int) ws.stream().filter(w -> w.getWindowStartMicros() >= arrivalsEndMicros).count())));
        return out;
    }

    static RunSummary summarize(String scenario, List<SloWindow> all, int warmup, int drain) {
        List<SloWindow> ws = new ArrayList<>(all);
        ws.sort(Comparator.comparingLong(SloWindow::getWindowStartMicros));
        List<SloWindow> steady = ws.size() > warmup + drain ? ws.subList(warmup, ws.size() - drain) : ws;
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
                outTokens, perNpu(outTokens, seconds, decodeNpus), perNpu(promptTokens, seconds, prefillNpus), slos,
                merged(steady, SloWindow::getTtft), merged(steady, SloWindow::getTpot), merged(steady, SloWindow::getE2e));
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
