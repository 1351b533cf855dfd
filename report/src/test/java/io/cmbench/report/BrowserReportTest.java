package io.cmbench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * The generated report in a real browser: Debian's chromium, headless. Fails (never skips) when chromium is
 * missing; {@code scripts/ensure-debian-package.sh} installs it before the tests (see pom.xml).
 * Leaves {@code target/report-screenshot.png} and {@code target/browser-report/run/report.html} behind.
 */
@Tag("integration")
class BrowserReportTest {
    static final Path TARGET = Path.of(System.getProperty("cmbench.target", "target"));
    static final Path WORK = TARGET.resolve("browser-report");
    static final Path SCREENSHOT = TARGET.resolve("report-screenshot.png");

    private static final Pattern CHECK = Pattern.compile("<p id=\"report-check\"([^>]*)>([^<]*)</p>");

    @BeforeAll
    static void requireChromium() throws Exception {
        if (!HeadlessChromium.available()) {
            // pom.xml runs the script before the tests; when the test runs on its own (IDE), run it here
            Path script = Path.of("../scripts/ensure-debian-package.sh");
            if (Files.isRegularFile(script)) {
                Process p = new ProcessBuilder("sh", script.toString(), "chromium", HeadlessChromium.BINARY.toString()).inheritIO().start();
                p.waitFor();
            }
        }
        if (!HeadlessChromium.available()) {
            fail(HeadlessChromium.BINARY + " is missing: the browser test needs Debian's chromium. "
                    + "scripts/ensure-debian-package.sh installs it (apt-get install chromium, as root) and runs "
                    + "before the tests; see its output above in the build log.");
        }
    }

    @Test
    void reportLoadsWithoutConsoleErrorsAndEveryChartIsDrawn() throws Exception {
        Path run = Fixtures.copyRun(WORK.resolve("run"));
        Path report = ReportWriter.write(run);
        String html = Files.readString(report, StandardCharsets.UTF_8);
        int charts = ReportWriterTest.charts(html).size();
        assertThat(charts).isGreaterThan(10);

        HeadlessChromium.Result r = HeadlessChromium.run(report, WORK, "--virtual-time-budget=3000", "--dump-dom");
        assertThat(r.exitCode()).as("chromium exit code; stderr:%n%s", r.stderr()).isZero();
        assertThat(r.consoleMessages()).as("console messages of the page").isEmpty();
        Matcher m = CHECK.matcher(r.stdout());
        assertThat(m.find()).as("self-check marker in the DOM after load:%n%s", tail(r.stdout())).isTrue();
        assertThat(m.group(1)).as(m.group(2)).contains("data-status=\"ok\"").contains("data-charts=\"" + charts + "\"");
        assertThat(m.group(2)).isEqualTo("Page self-check: " + charts + " charts, all with data drawn.");
    }

    @Test
    void savesAScreenshot() throws Exception {
        Path run = Fixtures.copyRun(WORK.resolve("run-shot"));
        Path report = ReportWriter.write(run);
        Files.deleteIfExists(SCREENSHOT);
        HeadlessChromium.Result r = HeadlessChromium.run(report, WORK, "--hide-scrollbars",
                "--screenshot=" + SCREENSHOT.toAbsolutePath(), "--window-size=1400,3000");
        assertThat(r.exitCode()).as("chromium exit code; stderr:%n%s", r.stderr()).isZero();
        assertThat(r.consoleMessages()).isEmpty();
        assertThat(SCREENSHOT).isRegularFile();
        BufferedImage img = ImageIO.read(SCREENSHOT.toFile());
        assertThat(img.getWidth()).isEqualTo(1400);
        assertThat(img.getHeight()).isEqualTo(3000);
        // not a blank page: the dark header band on top, white/grey content below, coloured chart marks somewhere
        assertThat(luminance(img.getRGB(700, 10))).isLessThan(80);
        assertThat(distinctColours(img)).isGreaterThan(50);
    }

    /** The side-by-side page of a measured and an emulated run: loads cleanly, every chart drawn, both runs in it. */
    @Test
    void compareReportLoadsWithoutConsoleErrorsAndEveryChartIsDrawn() throws Exception {
        Path measured = Fixtures.copyMeasuredRun(WORK.resolve("compare-measured"));
        Path emulated = Fixtures.copyRun(WORK.resolve("compare-emulated"));
        Path page = CompareReport.write(measured, emulated, WORK.resolve("compare.html"));
        String html = Files.readString(page, StandardCharsets.UTF_8);
        int charts = ReportWriterTest.charts(html).size();
        assertThat(charts).isEqualTo(4);

        HeadlessChromium.Result r = HeadlessChromium.run(page, WORK, "--virtual-time-budget=3000", "--dump-dom");
        assertThat(r.exitCode()).as("chromium exit code; stderr:%n%s", r.stderr()).isZero();
        assertThat(r.consoleMessages()).as("console messages of the page").isEmpty();
        Matcher m = CHECK.matcher(r.stdout());
        assertThat(m.find()).as("self-check marker in the DOM after load:%n%s", tail(r.stdout())).isTrue();
        assertThat(m.group(1)).as(m.group(2)).contains("data-status=\"ok\"").contains("data-charts=\"" + charts + "\"");
        assertThat(r.stdout()).contains("measured · measured").contains("emulated · h800");
    }

    /** The capacity and plan pages: load cleanly, every chart drawn (one per searched split, plus the plan's). */
    @Test
    void capacityAndPlanReportsLoadWithoutConsoleErrorsAndEveryChartIsDrawn() throws Exception {
        for (String[] c : new String[][] {{"fixture-capacity", "capacity.json", "1"}, {"fixture-plan", "plan.json", "4"}}) {
            Path dir = Files.createDirectories(WORK.resolve(c[0]));
            try (var in = BrowserReportTest.class.getResourceAsStream("/" + c[0] + "/" + c[1])) {
                Files.copy(in, dir.resolve(c[1]), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Path page = CapacityReport.write(dir, c[1]);
            String html = Files.readString(page, StandardCharsets.UTF_8);
            assertThat(ReportWriterTest.charts(html)).as(c[1]).hasSize(Integer.parseInt(c[2]));
            HeadlessChromium.Result r = HeadlessChromium.run(page, WORK, "--virtual-time-budget=3000", "--dump-dom");
            assertThat(r.exitCode()).as("chromium exit code; stderr:%n%s", r.stderr()).isZero();
            assertThat(r.consoleMessages()).as("console messages of the %s page", c[1]).isEmpty();
            Matcher m = CHECK.matcher(r.stdout());
            assertThat(m.find()).as("self-check marker in the DOM after load:%n%s", tail(r.stdout())).isTrue();
            assertThat(m.group(1)).as(m.group(2)).contains("data-status=\"ok\"").contains("data-charts=\"" + c[2] + "\"");
        }
    }

    /** The checks above must be able to fail: a broken page is caught both by the marker and by console scanning. */
    @Test
    void aBrokenPageIsDetected() throws Exception {
        Path run = Fixtures.copyRun(WORK.resolve("run-broken"));
        String html = Files.readString(ReportWriter.write(run), StandardCharsets.UTF_8);
        // one chart claims more points than it draws, and a script throws
        String broken = html.replaceFirst("data-points=\"(\\d+)\"", "data-points=\"99999\"")
                .replace("</main>", "</main><script>notDefinedAnywhere();</script>");
        Path page = Files.writeString(WORK.resolve("broken.html"), broken, StandardCharsets.UTF_8);
        HeadlessChromium.Result r = HeadlessChromium.run(page, WORK, "--virtual-time-budget=3000", "--dump-dom");
        assertThat(r.consoleMessages()).anyMatch(l -> l.contains("Uncaught ReferenceError"))
                .anyMatch(l -> l.contains("report self-check failed"));
        Matcher m = CHECK.matcher(r.stdout());
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).contains("data-status=\"fail\"");
        assertThat(m.group(2)).contains("declared 99999").contains("notDefinedAnywhere");
    }

    private static String tail(String s) {
        return s.length() <= 2000 ? s : s.substring(s.length() - 2000);
    }

    private static int luminance(int rgb) {
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        return (r * 299 + g * 587 + b * 114) / 1000;
    }

    private static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                seen.add(img.getRGB(x, y) & 0xf0f0f0);
            }
        }
        return seen.size();
    }
}
