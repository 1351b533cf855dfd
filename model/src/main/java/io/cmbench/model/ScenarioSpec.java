package io.cmbench.model;

import java.io.Serializable;

/**
 * One what-if configuration the emulation runs the traffic through: a hardware profile, a model, a
 * deployment, and optional overrides. Names refer to the YAML files shipped under
 * {@code model/src/main/resources/cmbench/{profiles,models,deployments}/}.
 *
 * @param name scenario name as it appears in every output record
 * @param profile hardware profile name, e.g. {@code cloudmatrix384}
 * @param model model spec name, e.g. {@code deepseek-r1}
 * @param deployment deployment name, e.g. {@code cloudmatrix-infer}
 * @param decodeBatchCapPerNpu override of the deployment's decode batch cap; 0 keeps the deployment's
 * @param calibration the cost model variant: {@code calibrated} (default) or {@code physics}
 */
public record ScenarioSpec(String name, String profile, String model, String deployment, int decodeBatchCapPerNpu,
                           String calibration) implements Serializable {

    public ScenarioSpec {
        if (!Calibrations.VARIANTS.contains(calibration)) {
            throw new IllegalArgumentException("calibration '" + calibration + "' is not one of " + String.join(", ", Calibrations.VARIANTS));
        }
    }

    /** A scenario on the default (calibrated) model. */
    public ScenarioSpec(String name, String profile, String model, String deployment, int decodeBatchCapPerNpu) {
        this(name, profile, model, deployment, decodeBatchCapPerNpu, Calibration.CALIBRATED_NAME);
    }

    public static ScenarioSpec paperDefault() {
        return new ScenarioSpec("cloudmatrix384", "cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 0);
    }

    /** The same scenario on another model variant. */
    public ScenarioSpec withCalibration(String variant) {
        return new ScenarioSpec(name, profile, model, deployment, decodeBatchCapPerNpu, variant);
    }

    /** Builds the cost model this scenario names (loads and validates the YAML descriptions). */
    public ServingCostModel costModel() {
        return CostModels.forScenario(this);
    }
}
