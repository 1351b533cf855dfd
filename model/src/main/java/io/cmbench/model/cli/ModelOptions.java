package io.cmbench.model.cli;

import io.cmbench.model.Calibrations;
import io.cmbench.model.CostModels;
import io.cmbench.model.RooflineCostModel;
import io.cmbench.model.spec.SpecException;
import picocli.CommandLine.Option;

/** Options every model subcommand shares. */
public final class ModelOptions {
    @Option(names = "--profile", paramLabel = "P", defaultValue = "cloudmatrix384",
            description = "hardware profile name or YAML file (default: ${DEFAULT-VALUE}; shipped: cloudmatrix384, h800, h100)")
    String profile;

    @Option(names = "--model", paramLabel = "M", defaultValue = "deepseek-r1",
            description = "model spec name or YAML file (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--deployment", paramLabel = "D", defaultValue = "cloudmatrix-infer",
            description = "deployment name or YAML file (default: ${DEFAULT-VALUE}; shipped: cloudmatrix-infer, deepseek-h800, cann-recipes-a3, cloudmatrix-infer-fleet)")
    String deployment;

    @Option(names = "--calibration", paramLabel = "V", defaultValue = "calibrated",
            description = "cost model variant: calibrated (the physics plus the profile's fitted calibration layer) or physics "
                    + "(nothing fitted) (default: ${DEFAULT-VALUE})")
    String calibration;

    @Option(names = "--json", description = "machine-readable JSON instead of a table")
    boolean json;

    RooflineCostModel build() {
        if (!Calibrations.VARIANTS.contains(calibration)) {
            throw new CliSupport.BadOption("--calibration", calibration, "must be one of " + String.join(", ", Calibrations.VARIANTS));
        }
        try {
            return CostModels.build(profile, model, deployment, 0, calibration);
        } catch (SpecException e) {
            throw new CliSupport.BadOption("--profile/--model/--deployment", profile + "/" + model + "/" + deployment, e.getMessage());
        }
    }

    /** One line naming the variant and where its values come from. */
    static String variantLine(RooflineCostModel c) {
        var cal = c.calibration();
        return "model variant: " + cal.variant() + (cal.variant().equals("physics") ? " (nothing fitted)" : " (" + cal.source() + ")");
    }
}
