package io.cmbench.report;

import static io.cmbench.report.Fmt.esc;

import java.util.List;

/** The headline tiles per scenario: output, prefill, goodput per SLO and latency percentiles over the steady state. */
final class HeadlineSection {
    private HeadlineSection() {}

    static void headline(StringBuilder b, RunData d) {
        b.append("<section id=\"headline\"><h2>Steady state per scenario</h2><div class=\"cols headline\">");
        for (int i = 0; i < d.scenarios().size(); i++) {
            String s = d.scenarios().get(i);
            RunData.ScenarioSummary sum = d.summaries().get(s);
            b.append("<div class=\"card scenario\" style=\"border-top-color:").append(Charts.color(i)).append("\"><h3>")
                    .append(esc(s)).append("</h3><p class=\"meta\">").append(sum.decodeNpus()).append(" decode NPUs · ")
                    .append(sum.prefillNpus()).append(" prefill NPUs · ")
                    .append(Fmt.num((double) sum.completedRequests(), 0)).append(" requests in ")
                    .append(sum.steadyWindows()).append(" of ").append(sum.windows()).append(" windows (")
                    .append(Fmt.auto(sum.steadyStartMicros() / 1e6)).append("–").append(Fmt.auto(sum.steadyEndMicros() / 1e6))
                    .append(" s)</p>");
            if (sum.beyondDrainRequests() > 0) {
                b.append("<p class=\"meta beyond-drain\">").append(esc(beyondDrain(sum))).append(", left out of every figure</p>");
            }
            b.append("<div class=\"tiles\">");
            RunData.PublishedPoint ref = d.publishedReference().get(s);
            tile(b, "output", Fmt.auto(sum.outputTokensPerSecPerNpu()), "tok/s/NPU", ref == null ? null
                    : "published " + Fmt.auto(ref.tokensPerSecPerNpu()) + " at batch " + ref.batchPerNpu() + "/NPU (" + ref.id() + ")");
            if (sum.prefillTokensPerSecPerNpu() != null) {
                tile(b, "prefill", Fmt.auto(sum.prefillTokensPerSecPerNpu()), "tok/s/NPU", "prompt tokens per prefill NPU");
            } else {
                tile(b, "prefill", "—", "", "decode-only: the KV arrives in place");
            }
            for (String slo : d.sloNames()) {
                RunData.SloCell cell = sum.slos().get(slo);
                if (cell != null) {
                    tile(b, "goodput @" + slo, Fmt.auto(cell.goodputTokensPerSecPerNpu()), "tok/s/NPU",
                            Fmt.pct(cell.attainment()) + " attained");
                }
            }
            String[] ttft = Fmt.latencyPair(sum.ttft().p50Ms(), sum.ttft().p99Ms());
            String[] tpot = Fmt.latencyPair(sum.tpot().p50Ms(), sum.tpot().p99Ms());
            String[] e2e = Fmt.latencyPair(sum.e2e().p50Ms(), sum.e2e().p99Ms());
            tile(b, "TTFT p50 / p99", ttft[0], ttft[1], null);
            tile(b, "TPOT p50 / p99", tpot[0], tpot[1], ref == null ? null : "published " + Fmt.auto(ref.tpotMs()) + " ms");
            tile(b, "E2E p50 / p99", e2e[0], e2e[1], null);
            b.append("</div></div>");
        }
        b.append("</div></section>\n");
    }

    /** "1 request still decoding at the end of the drain windows (completed from 50,010 s on): r0000000042". */
    static String beyondDrain(RunData.ScenarioSummary sum) {
        long n = sum.beyondDrainRequests();
        List<String> ids = sum.beyondDrainRequestIds();
        return Fmt.num((double) n, 0) + (n == 1 ? " request" : " requests") + " still decoding at the end of the drain"
                + " windows (completed from " + Fmt.auto(sum.beyondDrainFromMicros() / 1e6) + " s on)"
                + (ids.isEmpty() ? "" : ": " + String.join(", ", ids) + (n > ids.size() ? ", …" : ""));
    }

    static void tile(StringBuilder b, String label, String value, String unit, String note) {
        b.append("<div class=\"tile\"><div class=\"label\">").append(esc(label)).append("</div><div class=\"value")
                .append(value.contains(" / ") ? " pair" : "").append("\">")
                .append(esc(value)).append(" <span class=\"unit\">").append(esc(unit)).append("</span></div>");
        if (note != null) {
            b.append("<div class=\"note\">").append(esc(note)).append("</div>");
        }
        b.append("</div>");
    }
}
