package io.cmbench.report;

import static io.cmbench.report.Fmt.esc;
import static io.cmbench.report.ReportHtml.*;

import java.util.ArrayList;
import java.util.List;

/** Throughput, goodput and attainment per window, the warm-up and drain windows shaded. */
final class TimeSeriesSection {
    private TimeSeriesSection() {}

    static void timeSeries(StringBuilder b, RunData d) {
        b.append("<section id=\"windows\"><h2>Per window</h2><p class=\"lead\">Output and goodput per decode NPU and SLO "
                + "attainment per event-time window (plotted at the window's midpoint). Grey: warm-up and drain windows, "
                + "outside the steady state.</p>");
        if (d.windows().isEmpty()) {
            b.append("<p class=\"empty\">No slo-windows.jsonl in this run directory.</p></section>\n");
            return;
        }
        double ymax = 0;
        double xmax = 0;
        double xmaxMin = Double.POSITIVE_INFINITY;
        for (List<RunData.Window> ws : d.scenarios().stream().map(d::plottedWindows).toList()) {
            if (!ws.isEmpty()) {
                xmaxMin = Math.min(xmaxMin, ws.get(ws.size() - 1).endMicros() / 1e6);
            }
            for (RunData.Window w : ws) {
                ymax = Math.max(ymax, w.outputTokensPerSecPerNpu());
                xmax = Math.max(xmax, w.endMicros() / 1e6);
                for (RunData.SloCell c : w.slos().values()) {
                    ymax = Math.max(ymax, c.goodputTokensPerSecPerNpu());
                }
            }
        }
        // one time axis for all scenarios when their spans are alike; else each its own (e.g. a sweep's short and long runs)
        boolean sharedX = xmax <= 1.5 * xmaxMin;
        List<String> slos = d.sloNames();
        b.append("<div class=\"cols scen\">");
        for (int i = 0; i < d.scenarios().size(); i++) {
            String s = d.scenarios().get(i);
            List<RunData.Window> ws = d.plottedWindows(s);
            b.append("<div class=\"col\"><h3 class=\"colhead\">").append(swatch(i)).append(esc(s)).append("</h3>");
            if (ws == null || ws.isEmpty()) {
                b.append("<p class=\"empty\">No windows for this scenario.</p></div>");
                continue;
            }
            RunData.ScenarioSummary sum = d.summaries().get(s);
            Charts.XY tput = new Charts.XY("tput-" + i);
            tput.ariaLabel = s + ": output and goodput per NPU per window";
            tput.xLabel = "simulated time (s)";
            tput.yLabel = "tok/s per NPU";
            double ownMax = ws.get(ws.size() - 1).endMicros() / 1e6;
            tput.xMinFixed = 0.0;
            tput.xMaxFixed = sharedX ? xmax : ownMax;
            tput.yMaxFixed = ymax > 0 ? ymax : null;
            List<Charts.Point> outPts = new ArrayList<>();
            for (RunData.Window w : ws) {
                outPts.add(new Charts.Point(w.midSeconds(), w.outputTokensPerSecPerNpu(), windowTip(w) + " · output "
                        + Fmt.auto(w.outputTokensPerSecPerNpu()) + " tok/s/NPU · " + w.completedRequests() + " requests"));
            }
            // output is drawn last and dashed: it stays visible where goodput equals it (every request met the SLO)
            Charts.Series output = new Charts.Series("output", ReportWriter.OUTPUT_COLOR, outPts, true, true, 2.5);
            Charts.XY att = new Charts.XY("attain-" + i);
            att.ariaLabel = s + ": SLO attainment per window";
            att.xLabel = "simulated time (s)";
            att.yLabel = "requests meeting SLO";
            att.yPercent = true;
            att.yMaxFixed = 1.0;
            att.height = 240;
            att.xMinFixed = 0.0;
            att.xMaxFixed = sharedX ? xmax : ownMax;
            for (int k = 0; k < slos.size(); k++) {
                String slo = slos.get(k);
                List<Charts.Point> g = new ArrayList<>();
                List<Charts.Point> a = new ArrayList<>();
                for (RunData.Window w : ws) {
                    RunData.SloCell c = w.slos().get(slo);
                    if (c == null) {
                        continue;
                    }
                    g.add(new Charts.Point(w.midSeconds(), c.goodputTokensPerSecPerNpu(), windowTip(w) + " · goodput@" + slo
                            + " " + Fmt.auto(c.goodputTokensPerSecPerNpu()) + " tok/s/NPU"));
                    if (w.completedRequests() > 0) {
                        a.add(new Charts.Point(w.midSeconds(), c.attainment(), windowTip(w) + " · " + slo + " attained by "
                                + Fmt.pct(c.attainment()) + " of " + w.completedRequests() + " requests"));
                    }
                }
                if (!g.isEmpty()) {
                    tput.series.add(new Charts.Series("goodput@" + slo, sloColor(k), g, true, false, 2.5));
                }
                if (!a.isEmpty()) {
                    att.series.add(new Charts.Series(slo, sloColor(k), a, true, false, 2.5));
                }
            }
            tput.series.add(output);
            addBands(tput, ws, sum);
            addBands(att, ws, sum);
            b.append("<div class=\"figs\">");
            figure(b, "Throughput per decode NPU", tput.render(), sum.beyondDrainWindows() == 0 ? null
                    : "Not shown: " + HeadlineSection.beyondDrain(sum) + " (" + sum.beyondDrainWindows() + " window"
                            + (sum.beyondDrainWindows() == 1 ? "" : "s") + " beyond the drain).");
            if (att.dataPoints() > 0) {
                figure(b, "SLO attainment", att.render(), null);
            }
            b.append("</div></div>");
        }
        b.append("</div></section>\n");
    }

    static void addBands(Charts.XY chart, List<RunData.Window> ws, RunData.ScenarioSummary sum) {
        double first = ws.get(0).startMicros() / 1e6;
        double last = ws.get(ws.size() - 1).endMicros() / 1e6;
        double s0 = sum.steadyStartMicros() / 1e6;
        double s1 = sum.steadyEndMicros() / 1e6;
        if (s1 <= s0) {
            return;
        }
        if (s0 > first) {
            chart.bands.add(new Charts.Band(first, s0, "warm-up"));
        }
        if (last > s1) {
            chart.bands.add(new Charts.Band(s1, last, "drain"));
        }
    }

    static String windowTip(RunData.Window w) {
        return "window " + Fmt.auto(w.startMicros() / 1e6) + "–" + Fmt.auto(w.endMicros() / 1e6) + " s";
    }
}
