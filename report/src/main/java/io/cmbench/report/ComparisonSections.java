package io.cmbench.report;

import static io.cmbench.report.Fmt.esc;
import static io.cmbench.report.ReportHtml.figure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The sections of the side-by-side page ({@link CompareReport}): the relative-error table, the TTFT and TPOT
 * distributions of both runs overlaid, and goodput per window of both runs under each SLO. Series are named
 * "measured · SCENARIO" and "emulated · SCENARIO".
 */
final class ComparisonSections {
    private ComparisonSections() {}

    /** A scenario of one of the two runs. */
    record Side(String label, RunData run, String scenario) {
        String name() {
            return label + " · " + scenario;
        }

        RunData.ScenarioSummary summary() {
            return run.summaries().get(scenario);
        }
    }

    static List<Side> sides(RunData measured, RunData emulated) {
        List<Side> out = new ArrayList<>();
        measured.scenarios().forEach(s -> out.add(new Side("measured", measured, s)));
        emulated.scenarios().forEach(s -> out.add(new Side("emulated", emulated, s)));
        return out;
    }

    static void errors(StringBuilder b, Side measured, List<Side> emulated, List<String> slos) {
        b.append("<section id=\"relative-error\"><h2>Headline figures</h2><p class=\"lead\">Steady state of each run; "
                + "relative error = (emulated − measured) / measured.</p><table class=\"pct\"><thead><tr><th>figure</th>"
                + "<th class=\"num\">").append(esc(measured.name())).append("</th>");
        for (Side e : emulated) {
            b.append("<th class=\"num\">").append(esc(e.name())).append("</th><th class=\"num\">rel. error</th>");
        }
        b.append("</tr></thead><tbody>");
        List<List<RelativeErrors.Row>> columns = emulated.stream()
                .map(e -> RelativeErrors.rows(measured.summary(), e.summary(), slos)).toList();
        List<RelativeErrors.Row> first = columns.isEmpty() ? List.of() : columns.get(0);
        for (int r = 0; r < first.size(); r++) {
            RelativeErrors.Row row = first.get(r);
            b.append("<tr><td>").append(esc(row.figure())).append(" <span class=\"unit\">").append(esc(row.unit()))
                    .append("</span></td><td class=\"num\">").append(Fmt.auto(row.measured())).append("</td>");
            for (List<RelativeErrors.Row> col : columns) {
                RelativeErrors.Row c = col.get(r);
                b.append("<td class=\"num\">").append(Fmt.auto(c.emulated())).append("</td><td class=\"num rel-error\">")
                        .append(RelativeErrors.format(c.relativeError())).append("</td>");
            }
            b.append("</tr>");
        }
        b.append("</tbody></table></section>\n");
    }

    static void distributions(StringBuilder b, List<Side> sides) {
        b.append("<section id=\"compare-latency\"><h2>Latency distributions</h2><p class=\"lead\">Share of requests per "
                + "bin, from each run's steady-state windows' merged HdrHistograms.</p><div class=\"cols\">");
        for (String metric : List.of("TTFT", "TPOT")) {
            Map<String, Histogram> hs = new LinkedHashMap<>();
            List<String> names = new ArrayList<>();
            for (Side s : sides) {
                names.add(s.name());
                hs.put(s.name(), Histograms.merge(Aggregates.map(s.run().steadyWindows(s.scenario()),
                        w -> metric.equals("TTFT") ? w.ttft() : w.tpot())));
            }
            Charts.XY chart = LatencySection.distribution("compare-" + metric.toLowerCase(), metric, hs, names);
            if (chart == null) {
                b.append("<figure><figcaption>").append(metric).append(" distribution</figcaption><p class=\"empty\">"
                        + "No recorded values.</p></figure>");
            } else {
                figure(b, metric + " distribution", chart.render(), chart.ariaLabel);
            }
        }
        b.append("</div></section>\n");
    }

    static void goodputPerWindow(StringBuilder b, List<Side> sides, List<String> slos) {
        b.append("<section id=\"compare-windows\"><h2>Goodput per window</h2><p class=\"lead\">Goodput per decode NPU "
                + "under each SLO per event-time window (plotted at the window's midpoint; each run's time starts at its "
                + "first arrival).</p><div class=\"cols\">");
        for (int k = 0; k < slos.size(); k++) {
            String slo = slos.get(k);
            Charts.XY chart = new Charts.XY("compare-goodput-" + k);
            chart.ariaLabel = "goodput@" + slo + " per window, measured and emulated";
            chart.xLabel = "time since the first arrival (s)";
            chart.yLabel = "goodput tok/s per NPU";
            chart.xMinFixed = 0.0;
            for (int i = 0; i < sides.size(); i++) {
                Side s = sides.get(i);
                List<Charts.Point> pts = new ArrayList<>();
                for (RunData.Window w : s.run().plottedWindows(s.scenario())) {
                    RunData.SloCell c = w.slos().get(slo);
                    if (c != null) {
                        pts.add(new Charts.Point(w.midSeconds(), c.goodputTokensPerSecPerNpu(), s.name() + " · "
                                + TimeSeriesSection.windowTip(w) + " · goodput@" + slo + " "
                                + Fmt.auto(c.goodputTokensPerSecPerNpu()) + " tok/s/NPU"));
                    }
                }
                if (!pts.isEmpty()) {
                    chart.series.add(new Charts.Series(s.name(), Charts.color(i), pts, true, s.label().equals("emulated"), 2.5));
                }
            }
            b.append("<div class=\"col\">");
            if (chart.dataPoints() == 0) {
                b.append("<p class=\"empty\">No windows under ").append(esc(slo)).append(".</p>");
            } else {
                figure(b, "goodput @" + slo, chart.render(), null);
            }
            b.append("</div>");
        }
        b.append("</div></section>\n");
    }
}
