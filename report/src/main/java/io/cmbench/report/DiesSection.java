package io.cmbench.report;

import static io.cmbench.report.Fmt.esc;
import static io.cmbench.report.ReportHtml.*;

import java.util.ArrayList;
import java.util.List;

/** How evenly the decode dies were loaded (requests and output tokens per die). */
final class DiesSection {
    private DiesSection() {}

    static void dies(StringBuilder b, RunData d) {
        b.append("<section id=\"dies\"><h2>Load per decode die</h2><p class=\"lead\">Requests and output tokens per decode "
                + "die (instance × die) over the whole run, from completions.jsonl. Imbalance = max ÷ mean; "
                + "CV = standard deviation ÷ mean.</p>");
        if (d.dieSpread().isEmpty()) {
            b.append("<p class=\"empty\">No completions with a decode die in this run directory.</p></section>\n");
            return;
        }
        b.append("<div class=\"cols scen\">");
        for (int i = 0; i < d.scenarios().size(); i++) {
            String s = d.scenarios().get(i);
            DieSpread ds = d.dieSpread().get(s);
            b.append("<div class=\"col\"><h3 class=\"colhead\">").append(swatch(i)).append(esc(s)).append("</h3>");
            if (ds == null || ds.dies() == 0) {
                b.append("<p class=\"empty\">No decode-die data.</p></div>");
                continue;
            }
            b.append("<p class=\"meta\">").append(ds.dies()).append(" dies = ").append(ds.instances())
                    .append(ds.instances() == 1 ? " instance" : " instances").append(" × ").append(ds.diesPerInstance())
                    .append(" dies</p>");
            b.append("<div class=\"figs\"><div><table><thead><tr><th>per die</th><th class=\"num\">min</th><th class=\"num\">mean</th>"
                    + "<th class=\"num\">max</th><th class=\"num\">imbalance</th><th class=\"num\">CV</th>"
                    + "<th class=\"num\">idle dies</th></tr></thead><tbody>");
            dieRow(b, "requests", ds.requestStats());
            dieRow(b, "output tokens", ds.tokenStats());
            b.append("</tbody></table></div>");
            if (ds.dies() <= ReportWriter.PER_DIE_BARS_MAX) {
                List<Histograms.Bin> bins = new ArrayList<>();
                for (int k = 0; k < ds.dies(); k++) {
                    bins.add(new Histograms.Bin(k, k + 1, ds.tokens()[k]));
                }
                double mean = ds.tokenStats().mean();
                String chart = Charts.bars("die-" + i, s + ": output tokens per decode die", bins, Charts.color(i),
                        "decode die (instance × dies per instance + die)", "output tokens", 560, 230,
                        x -> "die " + (int) x + ", output tokens", new Charts.RefLine(mean, "mean " + Fmt.auto(mean)));
                figure(b, "Output tokens per die", chart, null);
            } else {
                int n = Math.min(20, Math.max(5, (int) Math.sqrt(ds.dies()) * 2));
                List<Histograms.Bin> bins = DieSpread.histogram(ds.tokens(), n);
                String chart = Charts.bars("die-" + i, s + ": dies by output tokens served", bins, Charts.color(i),
                        "output tokens per die", "dies", 560, 230, x -> "from " + Fmt.num(x, 0) + " tokens, dies");
                figure(b, "Dies by output tokens served", chart, null);
            }
            b.append("</div></div>");
        }
        b.append("</div></section>\n");
    }

    static void dieRow(StringBuilder b, String what, DieSpread.Stats st) {
        b.append("<tr><td>").append(what).append("</td><td class=\"num\">").append(Fmt.num((double) st.min(), 0))
                .append("</td><td class=\"num\">").append(Fmt.auto(st.mean())).append("</td><td class=\"num\">")
                .append(Fmt.num((double) st.max(), 0)).append("</td><td class=\"num\">").append(Fmt.num(st.imbalance(), 2))
                .append("</td><td class=\"num\">").append(Fmt.num(st.cv(), 2)).append("</td><td class=\"num\">")
                .append(st.idle()).append("</td></tr>");
    }
}
