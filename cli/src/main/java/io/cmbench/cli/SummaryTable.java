package io.cmbench.cli;

import io.cmbench.schemas.SloResult;
import io.cmbench.schemas.SloWindow;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Renders the per-window and overall results as aligned text tables. */
final class SummaryTable {
    private SummaryTable() {}

    static void printWindows(PrintStream out, List<SloWindow> windows, List<String> sloNames) {
        List<SloWindow> sorted = new ArrayList<>(windows);
        sorted.sort(Comparator.comparing(SloWindow::getScenario).thenComparingLong(SloWindow::getWindowStartMicros));
        out.println(windowHeader(sloNames));
        for (SloWindow w : sorted) {
            out.println(windowRow(w, sloNames));
        }
    }

    /** The head of the per-window table (also a live run's, printed before its first window closes). */
    static String windowHeader(List<String> sloNames) {
        StringBuilder head = new StringBuilder(String.format("%-16s %13s %8s %12s", "scenario", "window (s)", "requests",
                "out tok/s/NPU"));
        for (String slo : sloNames) {
            head.append(String.format(" %14s", "goodput@" + slo));
        }
        head.append(String.format(" %10s %10s %10s %10s", "TTFT p50", "TTFT p99", "TPOT p50", "TPOT p99"));
        return head.toString();
    }

    /** One window as a row of the per-window table. */
    static String windowRow(SloWindow w, List<String> sloNames) {
        StringBuilder row = new StringBuilder(String.format("%-16s %6.0f-%-6.0f %8d %12.1f", w.getScenario(),
                w.getWindowStartMicros() / 1e6, w.getWindowEndMicros() / 1e6, w.getCompletedRequests(),
                w.getOutputTokensPerSecPerNpu()));
        for (String slo : sloNames) {
            double g = w.getSlos().stream().filter(r -> r.getName().equals(slo))
                    .mapToDouble(SloResult::getGoodputTokensPerSecPerNpu).findFirst().orElse(Double.NaN);
            row.append(String.format(" %14.1f", g));
        }
        row.append(String.format(" %10s %10s %10s %10s", ms(w.getTtft().getP50Micros()), ms(w.getTtft().getP99Micros()),
                ms(w.getTpot().getP50Micros()), ms(w.getTpot().getP99Micros())));
        return row.toString();
    }

    static void printSummaries(PrintStream out, List<RunSummary> summaries) {
        printSummaries(out, summaries, Map.of(), Map.of());
    }

    /**
     * @param modelVariants per scenario, the cost model variant it ran on (none for measured timings)
     * @param published per scenario, the published decode point of its configuration, as one line (none: not shown)
     */
    static void printSummaries(PrintStream out, List<RunSummary> summaries, Map<String, String> modelVariants,
                               Map<String, String> published) {
        for (RunSummary s : summaries) {
            out.printf("%nscenario %s — steady state %.0f–%.0f s (%d of %d windows), %d decode NPUs, %d prefill NPUs%n",
                    s.scenario(), s.steadyStartMicros() / 1e6, s.steadyEndMicros() / 1e6, s.steadyWindows(), s.windows(),
                    s.decodeNpus(), s.prefillNpus());
            if (s.beyondDrainRequests() > 0) {
                out.println("  " + beyondDrain(s));
            }
            if (modelVariants.containsKey(s.scenario())) {
                out.printf("  %-28s %s%n", "cost model", modelVariants.get(s.scenario()));
            }
            out.printf("  %-28s %12s%n", "completed requests", String.format("%,d", s.completedRequests()));
            out.printf("  %-28s %12.1f%n", "output tok/s per decode NPU", s.outputTokensPerSecPerNpu());
            if (published.containsKey(s.scenario())) {
                out.printf("  %-28s %s%n", "  published (same config)", published.get(s.scenario()));
            }
            if (s.prefillTokensPerSecPerNpu() != null) {
                out.printf("  %-28s %12.1f%n", "prefill tok/s per prefill NPU", s.prefillTokensPerSecPerNpu());
            } else {
                out.printf("  %-28s %12s%n", "prefill tok/s per prefill NPU", "— (decode-only: KV arrives in place)");
            }
            s.slos().forEach((name, slo) -> out.printf("  %-28s %12.1f   attainment %5.1f %%%n",
                    "goodput@" + name + " tok/s/NPU", slo.goodputTokensPerSecPerNpu(), 100 * slo.attainment()));
            out.printf("  %-10s %10s %10s %10s %10s %10s%n", "latency", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms");
            latencyRow(out, "TTFT", s.ttft());
            latencyRow(out, "TPOT", s.tpot());
            latencyRow(out, "E2E", s.e2e());
        }
    }

    /** "1 request still decoding at the end of the drain windows ...": what the summary leaves out, and why. */
    static String beyondDrain(RunSummary s) {
        long n = s.beyondDrainRequests();
        String ids = s.beyondDrainRequestIds().isEmpty() ? ""
                : ": " + String.join(", ", s.beyondDrainRequestIds()) + (n > s.beyondDrainRequestIds().size() ? ", ..." : "");
        return String.format("%,d request%s still decoding at the end of the drain windows (completed from %.0f s on,"
                + " left out of every figure)%s", n, n == 1 ? "" : "s", s.beyondDrainFromMicros() / 1e6, ids);
    }

    private static void latencyRow(PrintStream out, String name, RunSummary.Latency l) {
        out.printf("  %-10s %10.2f %10.2f %10.2f %10.2f %10.2f%n", name, l.p50Ms(), l.p90Ms(), l.p99Ms(), l.p999Ms(), l.maxMs());
    }

    private static String ms(long micros) {
        return String.format("%.1f ms", micros / 1000.0);
    }
}
