package io.cmbench.cli;

import io.cmbench.jobs.SloSpec;
import io.cmbench.model.Calibration;
import io.cmbench.model.Calibrations;
import io.cmbench.model.CostModels;
import io.cmbench.model.ScenarioSpec;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks shared by the launcher's commands: a bad value is one line naming the option and the value (exit 2). */
final class Options {
    private Options() {}

    static void require(CommandSpec spec, boolean ok, String option, Object value, String why) {
        if (!ok) {
            throw InputChecks.error(spec, option, why, value);
        }
    }

    /** A number > 0 and finite, or a one-line error naming the option. */
    static double positiveFinite(CommandSpec spec, String option, String value) {
        double d;
        try {
            d = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), option + ": must be a number, got '" + value + "'");
        }
        require(spec, d > 0 && Double.isFinite(d), option, value, "must be > 0");
        return d;
    }

    /** An integer >= 0, or a one-line error naming the option. */
    static int nonNegativeInt(CommandSpec spec, String option, String value) {
        int i;
        try {
            i = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), option + ": must be an integer or 'auto', got '" + value + "'");
        }
        require(spec, i >= 0, option, value, "must be >= 0");
        return i;
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

    /** {@code --calibration}: the cost model variant, checked before anything starts. */
    static String calibration(CommandSpec spec, String value) {
        require(spec, Calibrations.VARIANTS.contains(value), "--calibration", value,
                "must be " + String.join(" or ", Calibrations.VARIANTS));
        return value;
    }

    /** The cost model variant a scenario runs on and where its values come from, e.g. for a table's header. */
    static String modelVariant(ScenarioSpec s) {
        Calibration c = CostModels.build(s.profile(), s.model(), s.deployment(), s.decodeBatchCapPerNpu(), s.calibration())
                .calibration();
        return c.variant() + (c.variant().equals(Calibration.PHYSICS_NAME) ? " (nothing fitted)" : " (" + c.source() + ")");
    }
}
