package io.cmbench.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cmbench report --in DIR [--out FILE]}: rebuilds a run's HTML report from its output directory.
 * Exit codes: 0 written, 2 bad option value (one-line message naming the option), 1 unreadable input.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write a self-contained HTML report (works offline) from a run's output directory.")
public final class ReportCommand implements Callable<Integer> {

    @Option(names = "--in", required = true, paramLabel = "DIR",
            description = "Run output directory (holds summary.json and/or slo-windows.jsonl).")
    Path in;

    @Option(names = "--out", paramLabel = "FILE", description = "Report file (default: DIR/report.html).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        if (!Files.isDirectory(in)) {
            err.println("cmbench report: --in " + in + ": " + (Files.exists(in) ? "not a directory" : "no such directory"));
            return 2;
        }
        if (!Files.isRegularFile(in.resolve(RunData.SUMMARY)) && !Files.isRegularFile(in.resolve(RunData.WINDOWS))
                && !Files.isRegularFile(in.resolve(RunData.WINDOWS + ".gz"))) {
            err.println("cmbench report: --in " + in + ": not a run directory (no " + RunData.SUMMARY + " or "
                    + RunData.WINDOWS + ")");
            return 2;
        }
        Path target = out != null ? out : in.resolve(ReportWriter.REPORT_FILE);
        if (Files.isDirectory(target)) {
            err.println("cmbench report: --out " + target + ": is a directory (give a file name)");
            return 2;
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            err.println("cmbench report: --out " + target + ": directory " + parent + " does not exist");
            return 2;
        }
        try {
            Path written = ReportWriter.write(in, target);
            stdout.println("report: " + written);
            stdout.flush();
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("cmbench report: cannot build report from " + in + ": " + oneLine(e));
            return 1;
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }
}
