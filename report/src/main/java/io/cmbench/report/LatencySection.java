package io.cmbench.report;

import static io.cmbench.report.Fmt.esc;
import static io.cmbench.report.ReportHtml.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** TTFT, TPOT and end-to-end latency distributions from the merged HdrHistograms. */
final class LatencySection {
    private LatencySection() {}

    static void latency(StringBuilder b, RunData d) {
        b.append("<section id=\"latency\"><h2>Latency</h2><p class=\"lead\">Steady-state percentiles in milliseconds "
                + "(TPOT leaves out one-token requests). Distributions from the steady-state windows' merged HdrHistograms.</p>");
        b.append("<table class=\"pct\"><thead><tr><th>scenario</th><th>metric</th><th class=\"num\">count</th>"
                + "<th class=\"num\">p50</th><th class=\"num\">p90</th><th class=\"num\">p99</th><th class=\"num\">p99.9</th>"
                + "<th class=\"num\">max</th></tr></thead><tbody>");
        for (int i = 0; i < d.scenarios().size(); i++) {
            String s = d.scenarios().get(i);
            RunData.ScenarioSummary sum = d.summaries().get(s);
            String[] names = {"TTFT", "TPOT", "E2E"};
            RunData.Latency[] ls = {sum.ttft(), sum.tpot(), sum.e2e()};
            for (int m = 0; m < 3; m++) {
                RunData.Latency l = ls[m];
                b.append("<tr").append(m == 0 ? " class=\"group\"" : "").append("><td>");
                if (m == 0) {
                    b.append(swatch(i)).append(esc(s));
                }
                b.append("</td><td>").append(names[m]).append("</td><td class=\"num\">").append(Fmt.num((double) l.count(), 0))
                        .append("</td>");
                for (double v : new double[] {l.p50Ms(), l.p90Ms(), l.p99Ms(), l.p999Ms(), l.maxMs()}) {
                    b.append("<td class=\"num\">").append(l.count() == 0 ? "–" : Fmt.auto(v)).append("</td>");
                }
                b.append("</tr>");
            }
        }
        b.append("</tbody></table>");

        b.append("<div class=\"cols3\">");
        String[] metrics = {"TPOT", "TTFT", "E2E"};
        for (int m = 0; m < metrics.length; m++) {
            String metric = metrics[m];
            Map<String, Histogram> hs = new LinkedHashMap<>();
            for (String s : d.scenarios()) {
                List<RunData.Window> steady = d.steadyWindows(s);
                hs.put(s, Histograms.merge(Aggregates.map(steady, w -> switch (metric) {
                    case "TPOT" -> w.tpot();
                    case "TTFT" -> w.ttft();
                    default -> w.e2e();
                })));
            }
            Charts.XY chart = distribution("dist-" + metric.toLowerCase(), metric, hs, d.scenarios());
            if (chart == null) {
                b.append("<figure><figcaption>").append(metric).append(" distribution</figcaption><p class=\"empty\">"
                        + "No recorded values.</p></figure>");
                continue;
            }
            figure(b, metric + " distribution", chart.render(), chart.ariaLabel);
        }
        b.append("</div></section>\n");
    }

    /** Frequency polygons (share of requests per bin, in ms) of each scenario's merged histogram; null when empty. */
    static Charts.XY distribution(String id, String metric, Map<String, Histogram> hs, List<String> scenarios) {
        long lo = Long.MAX_VALUE;
        long p999 = 0;
        long max = 0;
        for (Histogram h : hs.values()) {
            if (h.getTotalCount() > 0) {
                lo = Math.min(lo, h.getMinValue());
                p999 = Math.max(p999, h.getValueAtPercentile(99.9));
                max = Math.max(max, h.getMaxValue());
            }
        }
        if (p999 == 0 && max == 0) {
            return null;
        }
        boolean capped = max > 2 * p999;
        double hiMs = (capped ? p999 : max) / 1000.0;
        double loMs = Math.max(lo, 1) / 1000.0;
        if (hiMs <= loMs) {
            hiMs = loMs + Math.max(0.001, loMs * 0.01);
        }
        // scenarios orders of magnitude apart (e.g. a saturated and an unsaturated one): a log axis keeps both visible
        boolean log = hiMs / loMs > ReportWriter.LOG_AXIS_RATIO;
        Charts.XY chart = new Charts.XY(id);
        chart.xLabel = metric + " (ms" + (log ? ", log scale" : "") + ")";
        chart.yLabel = "share of requests";
        chart.yPercent = true;
        chart.xLog = log;
        chart.height = 260;
        chart.width = 460;
        chart.ariaLabel = metric + ": " + ReportWriter.DIST_BINS + (log ? " log-spaced" : " equal") + " bins from " + Fmt.auto(loMs)
                + " to " + Fmt.auto(hiMs) + " ms"
                + (capped ? "; the last bin also holds the tail up to " + Fmt.auto(max / 1000.0) + " ms" : "") + ".";
        for (int i = 0; i < scenarios.size(); i++) {
            Histogram h = hs.get(scenarios.get(i));
            if (h == null || h.getTotalCount() == 0) {
                continue;
            }
            double total = h.getTotalCount();
            List<Charts.Point> pts = new ArrayList<>();
            List<Histograms.Bin> bins = log ? Histograms.logBins(h, loMs * 1000, hiMs * 1000, ReportWriter.DIST_BINS)
                    : Histograms.bins(h, loMs * 1000, hiMs * 1000, ReportWriter.DIST_BINS);
            for (Histograms.Bin bin : bins) {
                pts.add(new Charts.Point((log ? bin.geometricMid() : bin.mid()) / 1000, bin.count() / total,
                        scenarios.get(i) + " · " + Fmt.auto(bin.lo() / 1000) + "–" + Fmt.auto(bin.hi() / 1000) + " ms · "
                                + bin.count() + " requests"));
            }
            chart.series.add(new Charts.Series(scenarios.get(i), Charts.color(i), pts, true, false, 0));
        }
        return chart;
    }
}
