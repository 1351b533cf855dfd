package io.cmbench.report;

import static io.cmbench.report.Fmt.esc;
import static io.cmbench.report.ReportHtml.*;

import java.util.ArrayList;
import java.util.List;

/** The report's "Run" section: configuration, execution and the scenarios' deployments. */
final class RunSection {
    private RunSection() {}

    static void metadata(StringBuilder b, RunData d) {
        RunData.Config c = d.config();
        RunData.RunInfo info = d.runInfo();
        b.append("<section id=\"run\"><h2>Run</h2><div class=\"grid3\">");
        b.append("<div class=\"card\"><h3>Configuration</h3><dl>");
        dl(b, "seed", c.seed() == null ? null : c.seed().toString());
        dl(b, "workload", c.workload() != null ? c.workload()
                : c.ratePerSec() == null ? null : "Poisson " + Fmt.auto(c.ratePerSec()) + " req/s");
        dl(b, "duration", c.durationSeconds() == null ? null : Fmt.auto(c.durationSeconds()) + " s simulated");
        dl(b, "prompt / output tokens", c.promptTokens() == null ? null
                : Fmt.num((double) c.promptTokens(), 0) + " / " + Fmt.num((double) c.outputTokens(), 0));
        dl(b, "window", c.windowSeconds() == null ? null : Fmt.auto(c.windowSeconds()) + " s tumbling");
        dl(b, "warm-up / drain windows", c.warmupWindows() == null ? null : c.warmupWindows() + " / " + c.drainWindows());
        dl(b, "SLOs", String.join(", ", d.sloNames().stream().map(s -> s + " (" + sloText(d, s) + ")").toList()));
        dl(b, "mode", c.mode());
        List<String> variants = c.scenarios().stream().map(RunData.ScenarioConfig::calibration).filter(v -> v != null)
                .distinct().toList();
        dl(b, "cost model", variants.isEmpty() ? null : String.join(", ", variants));
        b.append("</dl></div>");

        b.append("<div class=\"card\"><h3>Execution</h3><dl>");
        dl(b, "requests", d.requests() < 0 ? null : Fmt.num((double) d.requests(), 0));
        dl(b, "completions", Fmt.num((double) d.completions(), 0));
        dl(b, "dead letters", Fmt.num((double) d.deadLetters(), 0));
        dl(b, "wall time", info.wallSeconds() == null ? null : Fmt.num(info.wallSeconds(), 1) + " s");
        dl(b, "pipeline throughput", info.wallSeconds() == null || d.requests() < 0 || info.wallSeconds() <= 0 ? null
                : Fmt.num(d.requests() / info.wallSeconds(), 0) + " requests/s (requests ÷ wall time)");
        dl(b, "parallelism", info.parallelism() == null ? null : info.parallelism()
                + (info.availableProcessors() == null ? "" : " (" + info.availableProcessors() + " processors)"));
        dl(b, "versions", versions(info));
        b.append("</dl></div>");

        b.append("<div class=\"card wide\"><h3>Scenarios</h3><table><thead><tr><th>scenario</th><th>profile</th>"
                + "<th>deployment</th><th>cost model</th><th class=\"num\">batch cap/NPU</th><th class=\"num\">decode NPUs</th>"
                + "<th class=\"num\">prefill NPUs</th></tr></thead><tbody>");
        for (int i = 0; i < d.scenarios().size(); i++) {
            String s = d.scenarios().get(i);
            RunData.ScenarioConfig sc = c.scenario(s);
            RunData.ScenarioSummary sum = d.summaries().get(s);
            b.append("<tr><td>").append(swatch(i)).append(esc(s)).append("</td><td>")
                    .append(esc(sc == null ? "–" : sc.profile())).append("</td><td>")
                    .append(esc(sc == null ? "–" : sc.deployment())).append("</td><td>")
                    .append(esc(sc == null || sc.calibration() == null ? "–" : sc.calibration())).append("</td><td class=\"num\">")
                    .append(sc == null ? "–" : sc.decodeBatchCapPerNpu() > 0 ? sc.decodeBatchCapPerNpu() : "default")
                    .append("</td><td class=\"num\">").append(sum.decodeNpus()).append("</td><td class=\"num\">")
                    .append(sum.prefillNpus()).append("</td></tr>");
        }
        b.append("</tbody></table></div></div></section>\n");
    }

    static String versions(RunData.RunInfo i) {
        List<String> v = new ArrayList<>();
        if (i.java() != null) {
            v.add("Java " + i.java());
        }
        if (i.flink() != null) {
            v.add("Flink " + i.flink());
        }
        if (i.kafka() != null) {
            v.add("Kafka " + i.kafka());
        }
        return v.isEmpty() ? null : String.join(" · ", v);
    }
}
