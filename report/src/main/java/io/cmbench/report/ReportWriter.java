package io.cmbench.report;

import static io.cmbench.report.Fmt.esc;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns a run's output directory into one self-contained HTML file: inline CSS, charts as inline SVG,
 * one small inline script that only checks the page (no external resource of any kind, works offline).
 * The same inputs always give the same bytes (no timestamps). Each section of the page is rendered by a class of
 * its own ({@link RunSection}, {@link HeadlineSection}, ...); this class assembles the page and writes the file.
 */
public final class ReportWriter {
    /** The report's file name inside the run directory. */
    public static final String REPORT_FILE = "report.html";

    static final String OUTPUT_COLOR = "#333333";
    static final int DIST_BINS = 40;
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
        return ReportPage.write(out, html, ".report-");
    }

    // ------------------------------------------------------------------------------------------ page

    static String render(RunData d) {
        StringBuilder b = new StringBuilder(256 * 1024);
        String title = "cmbench report — " + d.dir().toAbsolutePath().normalize().getFileName();
        ReportPage.open(b, title);
        b.append("<header><h1>cmbench report</h1><p class=\"sub\">")
                .append(esc(d.dir().toAbsolutePath().normalize().toString())).append(" · ")
                .append(d.scenarios().size()).append(d.scenarios().size() == 1 ? " scenario" : " scenarios")
                .append(" · SLOs ").append(esc(String.join(", ", d.sloNames()))).append("</p></header>\n<main>\n");
        RunSection.metadata(b, d);
        HeadlineSection.headline(b, d);
        OperatingPointsSection.operatingPoints(b, d);
        TimeSeriesSection.timeSeries(b, d);
        LatencySection.latency(b, d);
        DiesSection.dies(b, d);
        BreakdownSection.breakdown(b, d);
        b.append("</main>\n<footer><p>Definitions: docs/METRICS.md of cmbench. Per NPU = per NPU package. Steady state = "
                + "the windows left after the warm-up and drain windows (shaded grey in the time series); headline "
                + "figures and percentiles are over the steady state, percentiles from exactly merged HdrHistograms. "
                + "Published figures are reference annotations only.</p>");
        ReportPage.close(b);
        return b.toString();
    }
}
