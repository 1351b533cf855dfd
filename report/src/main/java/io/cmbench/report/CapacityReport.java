package io.cmbench.report;

import static io.cmbench.report.Fmt.esc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The self-contained HTML report of {@code cmbench capacity} (attainment vs offered rate, the answer marked) and of
 * {@code cmbench plan} (the same per verified split, and goodput per NPU vs the prefill share of the budget), read from
 * the command's JSON in the run directory.
 */
public final class CapacityReport {
    private CapacityReport() {}

    /** Writes {@code dir/report.html} from {@code dir/jsonFile} and returns its path. */
    public static Path write(Path dir, String jsonFile) throws IOException {
        JsonNode root = new ObjectMapper().readTree(dir.resolve(jsonFile).toFile());
        boolean plan = root.has("candidates");
        StringBuilder b = new StringBuilder(64 * 1024);
        String title = (plan ? "cmbench plan — " : "cmbench capacity — ") + dir.toAbsolutePath().normalize().getFileName();
        ReportPage.open(b, title);
        b.append("<header><h1>").append(plan ? "cmbench plan" : "cmbench capacity").append("</h1><p class=\"sub\">")
                .append(esc(dir.toAbsolutePath().normalize().toString())).append(" · SLO ").append(esc(root.path("slo").asText()))
                .append(" at attainment ≥ ").append(esc(root.path("attainment_target").asText())).append("</p></header>\n<main>\n");
        if (plan) {
            planSections(b, root);
        } else {
            capacitySection(b, root, "Capacity");
        }
        b.append("</main>\n<footer><p>Definitions: docs/CAPACITY.md of cmbench. Attainment = the fraction of the steady"
                        + " state's completed requests meeting both bounds; each probed rate is a scenario serving its share of"
                        + " one Poisson traffic. Model = the cost model's bracket.</p>");
        ReportPage.close(b);
        return ReportPage.write(dir.resolve("report.html"), b.toString(), ".capacity-");
    }

    private static void capacitySection(StringBuilder b, JsonNode r, String heading) {
        b.append("<section><h2>").append(esc(heading)).append(" — ").append(esc(r.path("split").path("label").asText()))
                .append("</h2><dl>");
        if (!r.path("not_attainable").isNull() && !r.path("not_attainable").isMissingNode()) {
            ReportHtml.dl(b, "not attainable", r.path("not_attainable").asText());
        } else {
            ReportHtml.dl(b, "max rate", num(r, "max_requests_per_s", 2) + " requests/s");
            ReportHtml.dl(b, "model bracket", num(r.path("model"), "max_requests_per_s", 2) + " requests/s ("
                    + r.path("model").path("bottleneck").asText() + ")");
            ReportHtml.dl(b, "output tok/s per NPU", num(r, "output_tokens_per_s_per_npu", 1));
            ReportHtml.dl(b, "goodput tok/s per NPU", num(r, "goodput_tokens_per_s_per_npu", 1));
            ReportHtml.dl(b, "TTFT p50 / p90", num(r, "ttft_p50_ms", 0) + " / " + num(r, "ttft_p90_ms", 0) + " ms");
            ReportHtml.dl(b, "TPOT p50 / p90", num(r, "tpot_p50_ms", 2) + " / " + num(r, "tpot_p90_ms", 2) + " ms");
            ReportHtml.dl(b, "bottleneck", r.path("bottleneck").asText() + " (" + r.path("bottleneck_source").asText() + ")");
        }
        ReportHtml.dl(b, "NPUs", r.path("npus").asText());
        b.append("</dl>");
        if (r.path("probes").size() > 0) {
            Charts.XY c = new Charts.XY("attainment-" + r.path("split").path("label").asText().replaceAll("[^0-9a-z]", "-"));
            c.ariaLabel = "SLO attainment vs offered rate";
            c.xLabel = "offered rate (requests/s)";
            c.yLabel = "attainment";
            c.yPercent = true;
            c.yMaxFixed = 1.0;
            List<Charts.Point> pts = new ArrayList<>();
            for (JsonNode p : r.path("probes")) {
                pts.add(new Charts.Point(p.path("requests_per_s").asDouble(), p.path("attainment").asDouble(),
                        String.format(Locale.ROOT, "%.2f req/s: %.1f %%", p.path("requests_per_s").asDouble(),
                                100 * p.path("attainment").asDouble())));
            }
            c.series.add(new Charts.Series("probed rates", Charts.color(0), pts, true, false, 3.5));
            c.refLines.add(new Charts.RefLine(r.path("attainment_target").asDouble(), "target"));
            if (r.path("max_requests_per_s").asDouble() > 0) {
                c.refPoints.add(new Charts.RefPoint(r.path("max_requests_per_s").asDouble(), r.path("attainment").asDouble(),
                        "answer"));
            }
            ReportHtml.figure(b, "SLO attainment vs offered rate", c.render(),
                    "the answer is the highest probed rate at or above the target line");
        }
        b.append("</section>\n");
    }

    private static void planSections(StringBuilder b, JsonNode root) {
        b.append("<section><h2>Recommendation</h2><dl>");
        ReportHtml.dl(b, "recommended split", root.path("recommended").asText());
        ReportHtml.dl(b, "budget", root.path("budget_npus").asText() + " NPUs");
        b.append("</dl>");
        Charts.XY c = new Charts.XY("plan-goodput");
        c.ariaLabel = "goodput per NPU vs prefill share of the budget";
        c.xLabel = "prefill share of the budget";
        c.yLabel = "goodput tok/s per NPU";
        List<Charts.Point> model = new ArrayList<>();
        for (JsonNode s : root.path("model_ranking")) {
            model.add(new Charts.Point(s.path("prefill_share").asDouble(), s.path("model_goodput_tokens_per_s_per_npu").asDouble(),
                    s.path("label").asText()));
        }
        model.sort(java.util.Comparator.comparingDouble(Charts.Point::x));
        c.series.add(new Charts.Series("model (every split)", Charts.color(0), model, false, false, 2.5));
        List<Charts.Point> measured = new ArrayList<>();
        for (JsonNode s : root.path("candidates")) {
            measured.add(new Charts.Point(s.path("prefill_share").asDouble(), s.path("goodput_tokens_per_s_per_npu").asDouble(0),
                    s.path("split").path("label").asText()));
            if (s.path("split").path("label").asText().equals(root.path("recommended").asText())) {
                c.refPoints.add(new Charts.RefPoint(s.path("prefill_share").asDouble(),
                        s.path("goodput_tokens_per_s_per_npu").asDouble(0), "recommended"));
            }
        }
        c.series.add(new Charts.Series("measured (verified)", Charts.color(1), measured, false, false, 4.5));
        ReportHtml.figure(b, "Goodput per NPU of the budget vs the prefill share", c.render(),
                "model: the cost model's bracket for every split of the menu; measured: capacity runs of the best few and the paper's split");
        b.append("</section>\n");
        for (JsonNode s : root.path("candidates")) {
            capacitySection(b, s, s.path("role").asText("candidate"));
        }
    }

    private static String num(JsonNode n, String field, int decimals) {
        JsonNode v = n.path(field);
        return v.isNumber() ? Fmt.num(v.asDouble(), decimals) : "–";
    }
}
