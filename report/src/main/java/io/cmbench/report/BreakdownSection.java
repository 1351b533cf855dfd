package io.cmbench.report;

import static io.cmbench.report.Fmt.esc;
import static io.cmbench.report.ReportHtml.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The cost model's per-operator breakdown of a decode step and a prefill batch. */
final class BreakdownSection {
    private BreakdownSection() {}

    static void breakdown(StringBuilder b, RunData d) {
        if (d.modelBreakdown().isEmpty()) {
            return; // optional input (model-breakdown.json), no section without it
        }
        b.append("<section id=\"breakdown\"><h2>Cost model: time per operator</h2><p class=\"lead\">The cost model's "
                + "per-operator breakdown at each scenario's operating point (model-breakdown.json).</p><div class=\"cols\">");
        int i = 0;
        for (Map.Entry<String, Map<String, Double>> e : d.modelBreakdown().entrySet()) {
            List<Map.Entry<String, Double>> ops = new ArrayList<>(e.getValue().entrySet());
            ops.sort(Map.Entry.<String, Double>comparingByValue().reversed());
            double total = ops.stream().mapToDouble(Map.Entry::getValue).sum();
            int idx = d.scenarios().indexOf(e.getKey());
            String color = Charts.color(idx >= 0 ? idx : i);
            String chart = Charts.hbars("ops-" + i, e.getKey() + ": time per operator",
                    ops.stream().map(Map.Entry::getKey).toList(), ops.stream().map(Map.Entry::getValue).toList(), color,
                    "time (µs)", 560, v -> Fmt.auto(v) + " µs" + (total > 0 ? " · " + Fmt.num(100 * v / total, 0) + " %" : ""));
            b.append("<div class=\"col\"><h3 class=\"colhead\">").append(esc(e.getKey())).append("</h3>");
            figure(b, "Total " + Fmt.auto(total) + " µs", chart, null);
            b.append("</div>");
            i++;
        }
        b.append("</div></section>\n");
    }
}
