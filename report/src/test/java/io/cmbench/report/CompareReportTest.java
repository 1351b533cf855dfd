package io.cmbench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The side-by-side page of a measured run (fixture-measured) and an emulated one (fixture-run, three scenarios). */
class CompareReportTest {

    @TempDir
    Path tmp;

    @Test
    void onePageWithBothRunsInEveryChart() throws Exception {
        Path measured = Fixtures.copyMeasuredRun(tmp.resolve("measured"));
        Path emulated = Fixtures.copyRun(tmp.resolve("emulated"));
        Path out = CompareReport.write(measured, emulated, tmp.resolve("compare.html"));
        String html = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(html).doesNotContain("http://", "https://", "src=", "<link", "@import", "url(");
        assertThat(html).doesNotContainIgnoringCase("NaN").doesNotContain("Infinity");

        List<ReportWriterTest.Chart> charts = ReportWriterTest.charts(html);
        assertThat(charts).extracting(ReportWriterTest.Chart::id)
                .containsExactly("compare-ttft", "compare-tpot", "compare-goodput-0", "compare-goodput-1");
        for (ReportWriterTest.Chart c : charts) {
            assertThat(c.drawn()).as(c.id()).isEqualTo(c.declared()).isPositive();
        }
        // every chart holds the measured scenario and the three emulated ones
        for (String series : List.of("measured · measured", "emulated · cloudmatrix384", "emulated · cloudmatrix384-b8",
                "emulated · h800")) {
            assertThat(html.split(java.util.regex.Pattern.quote(">" + series + "</text>"), -1)).as(series).hasSize(5);
        }
        // 9 figures (output, 2 goodputs, TTFT and TPOT p50/p90/p99) x 3 emulated scenarios
        assertThat(html.split("class=\"num rel-error\"", -1)).hasSize(9 * 3 + 1);
        assertThat(CompareReport.render(RunData.load(measured), RunData.load(emulated))).as("same inputs, same bytes")
                .isEqualTo(html);
    }

    @Test
    void aDirectoryThatIsNotARunIsRefused() throws Exception {
        assertThatThrownBy(() -> CompareReport.check(tmp)).isInstanceOf(ReportInputException.class)
                .hasMessage(tmp + ": not a cmbench run directory (no summary.json or slo-windows.jsonl)");
    }
}
