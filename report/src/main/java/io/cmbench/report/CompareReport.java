package io.cmbench.report;

import static io.cmbench.report.Fmt.esc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A measured run (from {@code cmbench ingest}) and an emulated run side by side in one self-contained HTML page, the
 * view for judging the emulation against one's own system: the relative error of the headline figures, TTFT/TPOT
 * distributions overlaid and goodput per window for both ({@link ComparisonSections}). Same inputs, same bytes.
 */
public final class CompareReport {
    private CompareReport() {}

    /** Loads {@code runDir} as the report would; a {@link ReportInputException} says why it cannot be compared. */
    public static void check(Path runDir) throws IOException {
        RunData.load(runDir);
    }

    /** Writes the comparison of {@code measuredDir} with {@code emulatedDir} to {@code out} and returns {@code out}. */
    public static Path write(Path measuredDir, Path emulatedDir, Path out) throws IOException {
        String html = render(RunData.load(measuredDir), RunData.load(emulatedDir));
        return ReportPage.write(out, html, ".compare-");
    }

    static String render(RunData measured, RunData emulated) {
        List<ComparisonSections.Side> sides = ComparisonSections.sides(measured, emulated);
        List<ComparisonSections.Side> emulatedSides = sides.stream().filter(s -> s.label().equals("emulated")).toList();
        List<String> slos = new ArrayList<>(measured.sloNames());
        slos.retainAll(emulated.sloNames());
        StringBuilder b = new StringBuilder(128 * 1024);
        ReportPage.open(b, "cmbench comparison — measured vs emulated");
        b.append("<header><h1>cmbench comparison</h1><p class=\"sub\">measured: ")
                .append(esc(measured.dir().toAbsolutePath().normalize().toString())).append(" · emulated: ")
                .append(esc(emulated.dir().toAbsolutePath().normalize().toString())).append(" · SLOs ")
                .append(esc(String.join(", ", slos))).append("</p></header>\n<main>\n");
        for (ComparisonSections.Side m : sides.stream().filter(s -> s.label().equals("measured")).toList()) {
            ComparisonSections.errors(b, m, emulatedSides, slos);
        }
        ComparisonSections.distributions(b, sides);
        ComparisonSections.goodputPerWindow(b, sides, slos);
        b.append("</main>\n<footer><p>Definitions: docs/METRICS.md of cmbench; the measured run's input: docs/INGEST.md. "
                + "Figures over each run's steady state; percentiles from exactly merged HdrHistograms.</p>");
        ReportPage.close(b);
        return b.toString();
    }
}
