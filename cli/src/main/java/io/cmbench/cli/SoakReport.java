package io.cmbench.cli;

import io.cmbench.schemas.SloWindow;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The verdicts of a live soak ({@link BenchSoak}).
 *
 * <ul>
 *   <li>completions: none lost, none duplicated, counted against the generator ({@link CompletionAudit});
 *   <li>no restart of the emulation job (recoveries from a checkpoint) while arrivals were paced;
 *   <li>window lag: each window whose end the pacing reached is on the live windows topic within 2 x its length of
 *       wall-clock time after that moment (start of pacing + window end / speed), and none is missing;
 *   <li>heap after GC and checkpoint size flat: the least-squares slope over the last 2/3 of the run (MB per wall
 *       minute) predicts a growth over that span of at most {@link #FLAT_FRACTION} of the mean. Judged only for runs of
 *       at least {@link #JUDGED_SLOPE_MINUTES} minutes: over a shorter one the fill of the pool and of the young
 *       generation dominate, and the slope is reported without a verdict.
 * </ul>
 */
record SoakReport(Map<String, Object> facts, List<Verdict> verdicts) {
    static final double FLAT_FRACTION = 0.10;
    static final double JUDGED_SLOPE_MINUTES = 30;

    /** {@code pass}: true, false, or null (reported, not judged). */
    record Verdict(String criterion, String measured, String bound, Boolean pass) {}

    /** A least-squares line: {@code slopePerMinute} in MB per minute over {@code points} samples, {@code meanMb}. */
    record Trend(double slopePerMinute, double meanMb, double spanMinutes, int points) {}

    boolean passed() {
        return verdicts.stream().noneMatch(v -> Boolean.FALSE.equals(v.pass()));
    }

    static SoakReport of(double minutes, double rate, double windowSeconds, LiveRun.Facts live, List<SloWindow> windows,
                         CompletionAudit audit, Long restarts, List<SoakSampler.Sample> samples, List<String> problems) {
        List<Verdict> verdicts = new ArrayList<>();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("minutes", minutes);
        facts.put("speed", live.speed());
        facts.put("requests_per_s", rate);
        facts.put("requests", audit.requests());
        facts.put("completion_records", audit.records());
        facts.put("lost", audit.lost());
        facts.put("duplicated", audit.duplicated());
        facts.put("unexpected", audit.unexpected());
        verdicts.add(new Verdict("lost completions", Long.toString(audit.totalLost()), "0", audit.totalLost() == 0));
        verdicts.add(new Verdict("duplicated completions", Long.toString(audit.totalDuplicated() + audit.unexpected()),
                "0", audit.totalDuplicated() == 0 && audit.unexpected() == 0));

        // a recovery is exactly-once (nothing lost or duplicated) but not a steady state: a soak should have none
        verdicts.add(new Verdict("emulation restarts", restarts == null ? "unknown" : Long.toString(restarts), "0",
                restarts != null && restarts == 0));
        double boundSeconds = 2 * windowSeconds / live.speed();
        Map<String, LiveWindows.Appearance> seen = new HashMap<>();
        live.windows().forEach(a -> seen.putIfAbsent(a.scenario() + "@" + a.windowStartMicros(), a));
        double maxLag = Double.NEGATIVE_INFINITY;
        long judged = 0;
        List<String> missing = new ArrayList<>();
        List<Double> lags = new ArrayList<>();
        for (SloWindow w : windows) {
            if (w.getWindowEndMicros() > live.lastArrivalMicros()) {
                continue; // the pacing never reached its end: closed by the drain
            }
            LiveWindows.Appearance a = seen.get(w.getScenario() + "@" + w.getWindowStartMicros());
            if (a == null) {
                missing.add(w.getScenario() + " " + w.getWindowStartMicros() / 1e6 + "-" + w.getWindowEndMicros() / 1e6 + " s");
                continue;
            }
            double reachedMillis = live.pacingStartMillis() + w.getWindowEndMicros() / 1e3 / live.speed();
            double lag = (a.seenMillis() - reachedMillis) / 1e3;
            lags.add(lag);
            maxLag = Math.max(maxLag, lag);
            judged++;
        }
        facts.put("window_lag_s", lags);
        facts.put("windows_missing_live", missing);
        verdicts.add(new Verdict("max window lag (wall s)", judged == 0 ? "no window" : String.format("%.1f", maxLag),
                String.format("<= %.1f (2 x window)", boundSeconds), judged > 0 && maxLag <= boundSeconds));
        verdicts.add(new Verdict("windows missing live", Integer.toString(missing.size()), "0", missing.isEmpty()));

        boolean judgeSlopes = minutes >= JUDGED_SLOPE_MINUTES;
        facts.put("samples", samples);
        facts.put("sampling_problems", problems);
        verdicts.add(flat("heap after GC", trend(samples, minutes, SoakSampler.Sample::heapAfterGcBytes), judgeSlopes));
        verdicts.add(flat("checkpoint size", trend(samples, minutes, SoakSampler.Sample::checkpointBytes), judgeSlopes));
        return new SoakReport(facts, verdicts);
    }

    private static Verdict flat(String what, Trend t, boolean judge) {
        String name = what + " slope (MB/min, last 2/3)";
        if (t == null) {
            return new Verdict(name, "too few samples", "flat", judge ? false : null);
        }
        String measured = String.format("%+.2f (mean %.1f MB, %d samples)", t.slopePerMinute(), t.meanMb(), t.points());
        String bound = String.format("growth <= %.0f%% of mean over %.1f min%s", FLAT_FRACTION * 100, t.spanMinutes(),
                judge ? "" : " (not judged under " + (int) JUDGED_SLOPE_MINUTES + " min)");
        boolean ok = t.slopePerMinute() * t.spanMinutes() <= FLAT_FRACTION * t.meanMb();
        return new Verdict(name, measured, bound, judge ? ok : null);
    }

    /** The least-squares line through the samples of the last 2/3 of the run that have a value; null under 3. */
    static Trend trend(List<SoakSampler.Sample> samples, double minutes, Function<SoakSampler.Sample, Long> value) {
        List<double[]> pts = new ArrayList<>();
        for (SoakSampler.Sample s : samples) {
            Long v = value.apply(s);
            if (v != null && s.minutes() >= minutes / 3) {
                pts.add(new double[] {s.minutes(), v / 1e6});
            }
        }
        if (pts.size() < 3) {
            return null;
        }
        double mx = pts.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double my = pts.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (double[] p : pts) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        double span = pts.get(pts.size() - 1)[0] - pts.get(0)[0];
        return new Trend(sxx == 0 ? 0 : sxy / sxx, my, span, pts.size());
    }

    void print(PrintStream out) {
        out.printf("%n%-42s %-34s %-44s %s%n", "criterion", "measured", "bound", "verdict");
        for (Verdict v : verdicts) {
            out.printf("%-42s %-34s %-44s %s%n", v.criterion(), v.measured(), v.bound(),
                    v.pass() == null ? "reported" : v.pass() ? "PASS" : "FAIL");
        }
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("passed", passed());
        List<Map<String, Object>> vs = new ArrayList<>();
        for (Verdict v : verdicts) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("criterion", v.criterion());
            e.put("measured", v.measured());
            e.put("bound", v.bound());
            e.put("verdict", v.pass() == null ? "reported" : v.pass() ? "pass" : "fail");
            vs.add(e);
        }
        m.put("verdicts", vs);
        m.putAll(facts);
        return m;
    }
}
