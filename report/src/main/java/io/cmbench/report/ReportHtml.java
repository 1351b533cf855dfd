package io.cmbench.report;

import static io.cmbench.report.Fmt.esc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Pieces of HTML every section of the report uses: figures, definition lists, colour swatches, SLO labels. */
final class ReportHtml {
    private ReportHtml() {}

    static void figure(StringBuilder b, String caption, String svg, String note) {
        b.append("<figure><figcaption>").append(esc(caption)).append("</figcaption>").append(svg);
        if (note != null && !note.isEmpty()) {
            b.append("<p class=\"fignote\">").append(esc(note)).append("</p>");
        }
        b.append("</figure>");
    }

    static void dl(StringBuilder b, String key, String value) {
        b.append("<dt>").append(esc(key)).append("</dt><dd>").append(value == null ? "–" : esc(value)).append("</dd>");
    }

    static String swatch(int i) {
        return "<span class=\"swatch\" style=\"background:" + Charts.color(i) + "\"></span>";
    }

    static String sloColor(int k) {
        return Charts.color(k + 1 + (k >= 3 ? 1 : 0));
    }

    /** "TPOT ≤ 50 ms" / "TPOT ≤ 15 ms, TTFT ≤ 1,500 ms". */
    static String sloText(RunData d, String slo) {
        long[] bo = d.sloBounds(slo);
        List<String> parts = new ArrayList<>();
        if (bo[0] > 0) {
            parts.add("TPOT ≤ " + Fmt.auto(bo[0] / 1000.0) + " ms");
        }
        if (bo[1] > 0) {
            parts.add("TTFT ≤ " + Fmt.auto(bo[1] / 1000.0) + " ms");
        }
        return parts.isEmpty() ? "bounds unknown" : String.join(", ", parts);
    }

    static String resource(String name) {
        try (InputStream in = ReportHtml.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable resource " + name, e);
        }
    }
}
