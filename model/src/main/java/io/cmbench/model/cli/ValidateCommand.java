package io.cmbench.model.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.cmbench.model.validation.Validation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import static io.cmbench.model.cli.CliSupport.r;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Published results beside the model's, with relative errors; --output FILE writes the markdown "
                + "(the repository's docs/VALIDATION.md is this command's output).")
public final class ValidateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--output", paramLabel = "FILE",
            description = "write the markdown there (e.g. docs/VALIDATION.md from the repository root); without it nothing is written")
    String output;

    @Option(names = "--json", description = "machine-readable JSON instead of a table")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Validation.Row> rows = Validation.rows();
        if (json) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Validation.Row row : rows) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("group", row.group());
                j.put("case", row.caseName());
                j.put("conditions", row.conditions());
                j.put("quantity", row.quantity());
                j.put("unit", row.unit());
                j.put("published", row.published());
                j.put("model", r(row.model(), 4));
                j.put("relative_error", r(row.relativeError(), 4));
                j.put("target", row.target());
                list.add(j);
            }
            out.println(CliSupport.json(list));
        } else {
            out.printf(Locale.ROOT, "%-20s %-34s %14s %14s %9s%n", "case", "quantity", "published", "model", "error");
            for (Validation.Row row : rows) {
                out.printf(Locale.ROOT, "%-20s %-34s %14.4g %14.4g %+8.1f%%%s%n", trim(row.caseName(), 20), trim(row.quantity(), 34),
                        row.published(), row.model(), 100 * row.relativeError(), row.target() ? "  (target)" : "");
            }
        }
        if (output != null) {
            try {
                Path p = Path.of(output);
                if (p.getParent() != null) Files.createDirectories(p.getParent());
                Files.writeString(p, Validation.markdown(), StandardCharsets.UTF_8);
                if (!json) out.println("wrote " + p);
            } catch (IOException e) {
                throw new IllegalStateException("--output: cannot write (" + e + "), got '" + output + "'");
            }
        }
        out.flush();
        return CliSupport.EXIT_OK;
    }

    private static String trim(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
