package io.cmbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ReportCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void writesTheReportIntoTheRunDirectory(@TempDir Path tmp) {
        Path dir = Fixtures.copyRun(tmp.resolve("run"));
        Run r = run("--in", dir.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out().trim()).isEqualTo("report: " + dir.resolve("report.html"));
        assertThat(dir.resolve("report.html")).isRegularFile();
    }

    @Test
    void writesToOut(@TempDir Path tmp) {
        Path dir = Fixtures.copyRun(tmp.resolve("run"));
        Path out = tmp.resolve("my.html");
        assertThat(run("--in", dir.toString(), "--out", out.toString()).code()).isZero();
        assertThat(out).isRegularFile();
        assertThat(dir.resolve("report.html")).doesNotExist();
    }

    @Test
    void badValuesGiveOneLineNamingOptionAndValueAndExit2(@TempDir Path tmp) throws Exception {
        Run missing = run("--in", tmp.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err().trim()).isEqualTo("cmbench report: --in " + tmp.resolve("nope") + ": no such directory");

        Path file = Files.writeString(tmp.resolve("f.txt"), "x");
        Run notDir = run("--in", file.toString());
        assertThat(notDir.code()).isEqualTo(2);
        assertThat(notDir.err()).contains("--in " + file).contains("not a directory").hasLineCount(1);

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run notRun = run("--in", empty.toString());
        assertThat(notRun.code()).isEqualTo(2);
        assertThat(notRun.err()).contains("--in " + empty, "not a run directory").hasLineCount(1);

        Path dir = Fixtures.copyRun(tmp.resolve("run"));
        Path badOut = tmp.resolve("no/such/dir/r.html");
        Run outBad = run("--in", dir.toString(), "--out", badOut.toString());
        assertThat(outBad.code()).isEqualTo(2);
        assertThat(outBad.err()).contains("--out " + badOut).hasLineCount(1);

        Run outIsDir = run("--in", dir.toString(), "--out", tmp.toString());
        assertThat(outIsDir.code()).isEqualTo(2);
        assertThat(outIsDir.err()).contains("--out " + tmp, "is a directory").hasLineCount(1);
    }

    @Test
    void missingInIsAUsageError() {
        Run r = run();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--in");
    }

    @Test
    void corruptInputExits1WithOneLine(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(dir.resolve("slo-windows.jsonl"), "{\"scenario\": \"x\", \"ttft\": {\"histogram\": \"AAAA\"}}\n");
        Run r = run("--in", dir.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("cmbench report: cannot build report from " + dir).hasLineCount(1);
    }
}
