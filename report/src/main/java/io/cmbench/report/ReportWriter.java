package io.cmbench.report;

import static io.cmbench.report.Fmt.esc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Turns a run's output directory into one self-contained HTML file: inline CSS, charts as inline SVG,
 * one small inline script that only checks the page (no external resource of any kind, works offline).
 * The same inputs always give the same bytes (no timestamps).
 */
public final class ReportWriter {
    /** The report's file name inside the run directory. */
    public static final String REPORT_FILE = "report.html";

    private static final String OUTPUT_COLOR = "#333333";
    private static final int DIST_BINS = 40;
    /** Distributions spanning more than this ratio (max / min) get a logarithmic latency axis. */
    static final double LOG_AXIS_RATIO = 10;
    /** Up to this many decode dies a bar per die is drawn; above it, a histogram of dies by load. */
    static final int PER_DIE_BARS_MAX = 64;

    private ReportWriter() {}

    /** Writes {@code runDir/report.html} and returns its path. */
    public static Path write(Path runDir) throws IOException {
        return write(runDir, runDir.resolve(REPORT_FILE));
    }

    /** Writes the report of {@code runDir} to {@code out} (atomically replaced) and returns {@code out}. */
    public static Path write(Path runDir, Path out) throws IOException {
        RunData data = RunData.load(runDir);
        String html = render(data);
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".report-", ".html.tmp");
        try {
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            try { // a temp file is owner-only; a report is meant to be shared
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the default
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ page

    static String render(RunData d) {
        StringBuilder b = new StringBuilder(256 * 1024);
        String title = "cmbench report — " + d.dir().toAbsolutePath().normalize().getFileName();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(resource("report.css"))
                .append("</style>\n<script>\n").append(resource("report-errors.js")).append("</script>\n</head>\n<body>\n");
        b.append("<header><h1>cmbench report</h1><p class=\"sub\">")
                .append(esc(d.dir().toAbsolutePath().normalize().toString())).append(" · ")
                .append(d.scenarios().size()).append(d.scenarios().size() == 1 ? " scenario" : " scenarios")
                .append(" · SLOs ").append(esc(String.join(", ", d.sloNames()))).append("</p></header>\n<main>\n");
        metadata(b, d);
        headline(b, d);
        operatingPoints(b, d);
        timeSeries(b, d);
        latency(b, d);
        dies(b, d);
        breakdown(b, d);
        b.append("</main>\n<footer><p>Definitions: docs/METRICS.md of cmbench. Per NPU = per NPU package. Steady state = "
                + "the windows left after the warm-up and drain windows (shaded grey in the time series); headline "
                + "figures and percentiles are over the steady state, percentiles from exactly merged HdrHistograms. "
                + "Published figures are reference annotations only.</p>")
                .append("<p id=\"report-check\" data-status=\"pending\">page self-check did not run</p></footer>\n");
        b.append("<script>\n").append(resource("report-check.js")).append("</script>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void metadata(StringBuilder b, RunData d) {
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

    private static String versions(RunData.RunInfo i) {
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

    private static void headline(StringBuilder b, RunData d) {
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

    private static void tile(StringBuilder b, String label, String value, String unit, String note) {
        b.append("<div class=\"tile\"><div class=\"label\">").append(esc(label)).append("</div><div class=\"value")
                .append(value.contains(" / ") ? " pair" : "").append("\">")
                .append(esc(value)).append(" <span class=\"unit\">").append(esc(unit)).append("</span></div>");
        if (note != null) {
            b.append("<div class=\"note\">").append(esc(note)).append("</div>");
        }
        b.append("</div>");
    }

    // ------------------------------------------------------------------------------------------ goodput vs operating point

    private static void operatingPoints(StringBuilder b, RunData d) {
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

    // ------------------------------------------------------------------------------------------ time series

    private static void timeSeries(StringBuilder b, RunData d) {
        b.append("<section id=\"windows\"><h2>Per window</h2><p class=\"lead\">Output and goodput per decode NPU and SLO "
                + "attainment per event-time window (plotted at the window's midpoint). Grey: warm-up and drain windows, "
                + "outside the steady state.</p>");
        if (d.windows().isEmpty()) {
            b.append("<p class=\"empty\">No slo-windows.jsonl in this run directory.</p></section>\n");
            return;
        }
        double ymax = 0;
        double xmax = 0;
        double xmaxMin = Double.POSITIVE_INFINITY;
        for (List<RunData.Window> ws : d.scenarios().stream().map(d::plottedWindows).toList()) {
            if (!ws.isEmpty()) {
                xmaxMin = Math.min(xmaxMin, ws.get(ws.size() - 1).endMicros() / 1e6);
            }
            for (RunData.Window w : ws) {
                ymax = Math.max(ymax, w.outputTokensPerSecPerNpu());
                xmax = Math.max(xmax, w.endMicros() / 1e6);
                for (RunData.SloCell c : w.slos().values()) {
                    ymax = Math.max(ymax, c.goodputTokensPerSecPerNpu());
                }
            }
        }
        // one time axis for all scenarios when their spans are alike; else each its own (e.g. a sweep's short and long runs)
        boolean sharedX = xmax <= 1.5 * xmaxMin;
        List<String> slos = d.sloNames();
        b.append("<div class=\"cols scen\">");
        for (int i = 0; i < d.scenarios().size(); i++) {
            String s = d.scenarios().get(i);
            List<RunData.Window> ws = d.plottedWindows(s);
            b.append("<div class=\"col\"><h3 class=\"colhead\">").append(swatch(i)).append(esc(s)).append("</h3>");
            if (ws == null || ws.isEmpty()) {
                b.append("<p class=\"empty\">No windows for this scenario.</p></div>");
                continue;
            }
            RunData.ScenarioSummary sum = d.summaries().get(s);
            Charts.XY tput = new Charts.XY("tput-" + i);
            tput.ariaLabel = s + ": output and goodput per NPU per window";
            tput.xLabel = "simulated time (s)";
            tput.yLabel = "tok/s per NPU";
            double ownMax = ws.get(ws.size() - 1).endMicros() / 1e6;
            tput.xMinFixed = 0.0;
            tput.xMaxFixed = sharedX ? xmax : ownMax;
            tput.yMaxFixed = ymax > 0 ? ymax : null;
            List<Charts.Point> outPts = new ArrayList<>();
            for (RunData.Window w : ws) {
                outPts.add(new Charts.Point(w.midSeconds(), w.outputTokensPerSecPerNpu(), windowTip(w) + " · output "
                        + Fmt.auto(w.outputTokensPerSecPerNpu()) + " tok/s/NPU · " + w.completedRequests() + " requests"));
            }
            // output is drawn last and dashed: it stays visible where goodput equals it (every request met the SLO)
            Charts.Series output = new Charts.Series("output", OUTPUT_COLOR, outPts, true, true, 2.5);
            Charts.XY att = new Charts.XY("attain-" + i);
            att.ariaLabel = s + ": SLO attainment per window";
            att.xLabel = "simulated time (s)";
            att.yLabel = "requests meeting SLO";
            att.yPercent = true;
            att.yMaxFixed = 1.0;
            att.height = 240;
            att.xMinFixed = 0.0;
            att.xMaxFixed = sharedX ? xmax : ownMax;
            for (int k = 0; k < slos.size(); k++) {
                String slo = slos.get(k);
                List<Charts.Point> g = new ArrayList<>();
                List<Charts.Point> a = new ArrayList<>();
                for (RunData.Window w : ws) {
                    RunData.SloCell c = w.slos().get(slo);
                    if (c == null) {
                        continue;
                    }
                    g.add(new Charts.Point(w.midSeconds(), c.goodputTokensPerSecPerNpu(), windowTip(w) + " · goodput@" + slo
                            + " " + Fmt.auto(c.goodputTokensPerSecPerNpu()) + " tok/s/NPU"));
                    if (w.completedRequests() > 0) {
                        a.add(new Charts.Point(w.midSeconds(), c.attainment(), windowTip(w) + " · " + slo + " attained by "
                                + Fmt.pct(c.attainment()) + " of " + w.completedRequests() + " requests"));
                    }
                }
                if (!g.isEmpty()) {
                    tput.series.add(new Charts.Series("goodput@" + slo, sloColor(k), g, true, false, 2.5));
                }
                if (!a.isEmpty()) {
                    att.series.add(new Charts.Series(slo, sloColor(k), a, true, false, 2.5));
                }
            }
            tput.series.add(output);
            addBands(tput, ws, sum);
            addBands(att, ws, sum);
            b.append("<div class=\"figs\">");
            figure(b, "Throughput per decode NPU", tput.render(), sum.beyondDrainWindows() == 0 ? null
                    : "Not shown: " + beyondDrain(sum) + " (" + sum.beyondDrainWindows() + " window"
                            + (sum.beyondDrainWindows() == 1 ? "" : "s") + " beyond the drain).");
            if (att.dataPoints() > 0) {
                figure(b, "SLO attainment", att.render(), null);
            }
            b.append("</div></div>");
        }
        b.append("</div></section>\n");
    }

    private static void addBands(Charts.XY chart, List<RunData.Window> ws, RunData.ScenarioSummary sum) {
        double first = ws.get(0).startMicros() / 1e6;
        double last = ws.get(ws.size() - 1).endMicros() / 1e6;
        double s0 = sum.steadyStartMicros() / 1e6;
        double s1 = sum.steadyEndMicros() / 1e6;
        if (s1 <= s0) {
            return;
        }
        if (s0 > first) {
            chart.bands.add(new Charts.Band(first, s0, "warm-up"));
        }
        if (last > s1) {
            chart.bands.add(new Charts.Band(s1, last, "drain"));
        }
    }

    private static String windowTip(RunData.Window w) {
        return "window " + Fmt.auto(w.startMicros() / 1e6) + "–" + Fmt.auto(w.endMicros() / 1e6) + " s";
    }

    // ------------------------------------------------------------------------------------------ latency

    private static void latency(StringBuilder b, RunData d) {
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
        boolean log = hiMs / loMs > LOG_AXIS_RATIO;
        Charts.XY chart = new Charts.XY(id);
        chart.xLabel = metric + " (ms" + (log ? ", log scale" : "") + ")";
        chart.yLabel = "share of requests";
        chart.yPercent = true;
        chart.xLog = log;
        chart.height = 260;
        chart.width = 460;
        chart.ariaLabel = metric + ": " + DIST_BINS + (log ? " log-spaced" : " equal") + " bins from " + Fmt.auto(loMs)
                + " to " + Fmt.auto(hiMs) + " ms"
                + (capped ? "; the last bin also holds the tail up to " + Fmt.auto(max / 1000.0) + " ms" : "") + ".";
        for (int i = 0; i < scenarios.size(); i++) {
            Histogram h = hs.get(scenarios.get(i));
            if (h == null || h.getTotalCount() == 0) {
                continue;
            }
            double total = h.getTotalCount();
            List<Charts.Point> pts = new ArrayList<>();
            List<Histograms.Bin> bins = log ? Histograms.logBins(h, loMs * 1000, hiMs * 1000, DIST_BINS)
                    : Histograms.bins(h, loMs * 1000, hiMs * 1000, DIST_BINS);
            for (Histograms.Bin bin : bins) {
                pts.add(new Charts.Point((log ? bin.geometricMid() : bin.mid()) / 1000, bin.count() / total,
                        scenarios.get(i) + " · " + Fmt.auto(bin.lo() / 1000) + "–" + Fmt.auto(bin.hi() / 1000) + " ms · "
                                + bin.count() + " requests"));
            }
            chart.series.add(new Charts.Series(scenarios.get(i), Charts.color(i), pts, true, false, 0));
        }
        return chart;
    }

    // ------------------------------------------------------------------------------------------ per-die load

    private static void dies(StringBuilder b, RunData d) {
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
            if (ds.dies() <= PER_DIE_BARS_MAX) {
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

    private static void dieRow(StringBuilder b, String what, DieSpread.Stats st) {
        b.append("<tr><td>").append(what).append("</td><td class=\"num\">").append(Fmt.num((double) st.min(), 0))
                .append("</td><td class=\"num\">").append(Fmt.auto(st.mean())).append("</td><td class=\"num\">")
                .append(Fmt.num((double) st.max(), 0)).append("</td><td class=\"num\">").append(Fmt.num(st.imbalance(), 2))
                .append("</td><td class=\"num\">").append(Fmt.num(st.cv(), 2)).append("</td><td class=\"num\">")
                .append(st.idle()).append("</td></tr>");
    }

    // ------------------------------------------------------------------------------------------ cost model breakdown

    private static void breakdown(StringBuilder b, RunData d) {
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

    // ------------------------------------------------------------------------------------------ helpers

    private static void figure(StringBuilder b, String caption, String svg, String note) {
        b.append("<figure><figcaption>").append(esc(caption)).append("</figcaption>").append(svg);
        if (note != null && !note.isEmpty()) {
            b.append("<p class=\"fignote\">").append(esc(note)).append("</p>");
        }
        b.append("</figure>");
    }

    private static void dl(StringBuilder b, String key, String value) {
        b.append("<dt>").append(esc(key)).append("</dt><dd>").append(value == null ? "–" : esc(value)).append("</dd>");
    }

    private static String swatch(int i) {
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

    private static String resource(String name) {
        try (InputStream in = ReportWriter.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable resource " + name, e);
        }
    }
}
