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
 */
public record ScenarioSpec(String name, String profile, String model, String deployment, int decodeBatchCapPerNpu)
        implements Serializable {

    public static ScenarioSpec paperDefault() {
        return new ScenarioSpec("cloudmatrix384", "cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 0);
    }

    /** Builds the cost model this scenario names (loads and validates the YAML descriptions). */
    public ServingCostModel costModel() {
        return CostModels.forScenario(this);
    }
}
