package io.cmbench.report;

import static io.cmbench.report.ReportHtml.*;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Goodput against the operating point (batch cap) per SLO, with the published points of the run's configuration. */
final class OperatingPointsSection {
    private OperatingPointsSection() {}

    static void operatingPoints(StringBuilder b, RunData d) {
        RunData.Sweep sw = d.sweep();
        b.append("<section id=\"goodput\"><h2>Goodput per NPU vs operating point</h2><p class=\"lead\">");
        if (sw.fromFile()) {
            b.append("Operating points from sweep.json. ");
        } else {
            b.append("This run has one operating point per scenario (")
                    .append(sw.axis() == RunData.Axis.BATCH_CAP_PER_NPU ? "its decode batch cap per NPU"
                            : "the run's offered load")
                    .append("); a sweep adds more. ");
        }
        b.append("Black diamonds / dashed lines: published CloudMatrix-Infer results, shown for reference only.</p>");
        if (sw.points().isEmpty()) {
            b.append("<p class=\"empty\">No operating point: the run gives neither batch caps nor an offered load.</p></section>\n");
            return;
        }
        b.append("<div class=\"cols\">");
        List<String> slos = d.sloNames();
        for (int k = 0; k < slos.size(); k++) {
            String slo = slos.get(k);
            long[] bounds = d.sloBounds(slo);
            Charts.XY chart = new Charts.XY("goodput-op-" + k);
            chart.ariaLabel = "goodput per NPU at " + slo + " vs operating point";
            chart.xLabel = sw.axis().label;
            chart.yLabel = "goodput (tok/s/NPU)";
            chart.height = 320;
            List<String> seriesNames = sw.points().stream().map(RunData.OperatingPoint::scenario).distinct().toList();
            for (int j = 0; j < seriesNames.size(); j++) {
                String s = seriesNames.get(j);
                int ci = d.scenarios().indexOf(s) >= 0 ? d.scenarios().indexOf(s) : d.scenarios().size() + j;
                List<Charts.Point> pts = new ArrayList<>();
                sw.points().stream().filter(p -> p.scenario().equals(s) && p.goodput().containsKey(slo))
                        .sorted(Comparator.comparingDouble(RunData.OperatingPoint::x))
                        .forEach(p -> pts.add(new Charts.Point(p.x(), p.goodput().get(slo),
                                s + " · x = " + Fmt.auto(p.x()) + " · " + Fmt.auto(p.goodput().get(slo)) + " tok/s/NPU"
                                        + (p.attainment().containsKey(slo)
                                                ? " · " + Fmt.pct(p.attainment().get(slo)) + " attained" : ""))));
                if (!pts.isEmpty()) {
                    chart.series.add(new Charts.Series(s, Charts.color(ci), pts, true, false, 5));
                }
            }
            List<String> notes = new ArrayList<>();
            RunData.PublishedPoint pub = d.publishedBySlo().get(slo);
            if (pub != null) {
                String shortLabel = "published " + Fmt.num(pub.tokensPerSecPerNpu(), 0) + " tok/s/NPU";
                if (sw.axis() == RunData.Axis.BATCH_CAP_PER_NPU) {
                    chart.refPoints.add(new Charts.RefPoint(pub.batchPerNpu(), pub.tokensPerSecPerNpu(),
                            shortLabel + " @ batch " + pub.batchPerNpu()));
                } else {
                    chart.refLines.add(new Charts.RefLine(pub.tokensPerSecPerNpu(), shortLabel));
                }
                notes.add("Published (" + pub.id() + "): " + Fmt.num(pub.tokensPerSecPerNpu(), 0) + " tok/s/NPU at batch "
                        + pub.batchPerNpu() + "/NPU, TPOT " + Fmt.num(pub.tpotMs(), 1) + " ms");
            }
            if (chart.dataPoints() == 0) {
                continue;
            }
            RunData.OperatingPoint best = sw.points().stream().filter(p -> p.goodput().containsKey(slo))
                    .max(Comparator.comparingDouble(p -> p.goodput().get(slo))).orElseThrow();
            String bestText = "Best here: " + Fmt.auto(best.goodput().get(slo)) + " tok/s/NPU (" + best.scenario() + ", "
                    + (sw.axis() == RunData.Axis.BATCH_CAP_PER_NPU ? "batch " + Fmt.auto(best.x()) + "/NPU"
                            : Fmt.auto(best.x()) + " req/s") + "). ";
            RunData.MedianReading median = sw.medianWithinBound().get(slo);
            if (median != null) {
                bestText += "Paper's reading (fastest point whose median TPOT is within the bound, all tokens counted): "
                        + Fmt.auto(median.tokensPerSecPerNpu()) + " tok/s/NPU at batch " + Fmt.auto(median.batchPerNpu())
                        + "/NPU (TPOT p50 " + Fmt.num(median.tpotMs(), 2) + " ms). ";
            }
            figure(b, "Goodput per NPU at " + slo + " (" + sloText(d, slo) + ")", chart.render(),
                    bestText + (notes.isEmpty() ? "No published reference for this SLO." : String.join("; ", notes) + "."));
        }
        b.append("</div>");
        b.append("</section>\n");
    }
}
