package io.cmbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A decode sweep's points as the Markdown table docs/BENCHMARKS.md shows (`cmbench sweep --markdown`): the docs quote
 * the command's output, and SweepDocTest fails when the committed table is not what the sweep prints.
 */
final class SweepMarkdown {
    private SweepMarkdown() {}

    /** The table of {@code sweep.json}'s points; each SLO's best goodput in bold. */
    static String table(JsonNode sweep) {
        List<JsonNode> points = new ArrayList<>();
        sweep.path("points").forEach(points::add);
        List<String> slos = new ArrayList<>();
        if (!points.isEmpty()) points.get(0).path("goodput_tokens_per_s_per_npu").fieldNames().forEachRemaining(slos::add);
        StringBuilder sb = new StringBuilder("| batch/NPU | TPOT p50 | TPOT p99 | out tok/s/NPU | model tok/s/NPU |");
        slos.forEach(n -> sb.append(" goodput@").append(n).append(" |"));
        sb.append("\n|---:|---:|---:|---:|---:|");
        slos.forEach(n -> sb.append("---:|"));
        sb.append('\n');
        for (JsonNode p : points) {
            sb.append(String.format(Locale.ROOT, "| %d | %.2f ms | %.2f ms | %s | %s |", p.path("batch_per_npu").asInt(),
                    p.path("tpot_ms").asDouble(), p.path("tpot_p99_ms").asDouble(), tokens(p.path("tokens_per_s_per_npu")),
                    tokens(p.path("model_tokens_per_s_per_npu"))));
            for (String n : slos) {
                String g = tokens(p.path("goodput_tokens_per_s_per_npu").path(n));
                boolean best = sweep.path(n).path("batch_per_npu").asInt() == p.path("batch_per_npu").asInt();
                sb.append(' ').append(best ? "**" + g + "**" : g).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Tokens per second as the docs write them: one decimal, thousands grouped. */
    static String tokens(JsonNode v) {
        return String.format(Locale.ROOT, "%,.1f", v.asDouble());
    }
}
