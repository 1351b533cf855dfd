package io.cmbench.cli;

import io.cmbench.jobs.SloSpec;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks shared by the launcher's commands: a bad value is one line naming the option and the value (exit 2). */
final class Options {
    private Options() {}

    static void require(CommandSpec spec, boolean ok, String option, Object value, String why) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), option + ": " + why + ", got '" + value + "'");
        }
    }

    /** {@code --slo} values, e.g. tpot15, tpot50, tpot15+ttft1500. */
    static List<SloSpec> slos(CommandSpec spec, List<String> values) {
        List<SloSpec> out = new ArrayList<>();
        for (String s : values) {
            try {
                out.add(SloSpec.parse(s.trim()));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--slo: " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }
}
