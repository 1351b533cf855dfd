package io.cmbench.model;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.HardwareProfile;
import io.cmbench.model.spec.ModelSpec;
import io.cmbench.model.spec.SpecLoader;

/**
 * Entry point: builds the first-principles {@link RooflineCostModel} for a scenario from the YAML
 * descriptions on the classpath ({@code cmbench/profiles}, {@code cmbench/models}, {@code cmbench/deployments};
 * names ending in .yaml are read from the file system). Descriptions are validated on load; a bad one
 * throws {@link io.cmbench.model.spec.SpecException} naming the file, the field and the reason.
 * Built models are cached per scenario (they are immutable).
 */
public final class CostModels {
    private CostModels() {}

    private static final Map<String, RooflineCostModel> CACHE = new ConcurrentHashMap<>();

    public static ServingCostModel forScenario(ScenarioSpec spec) {
        return build(spec.profile(), spec.model(), spec.deployment(), spec.decodeBatchCapPerNpu(), spec.calibration());
    }

    /** The default (calibrated) model for names of a profile, model and deployment. */
    public static RooflineCostModel build(String profile, String model, String deployment, int decodeBatchCapPerNpu) {
        return build(profile, model, deployment, decodeBatchCapPerNpu, Calibration.CALIBRATED_NAME);
    }

    /**
     * The concrete model (with the per-operator breakdowns) for names of a profile, model and deployment.
     *
     * @param calibration {@code calibrated} (the physics plus the profile's fitted calibration layer) or {@code physics}
     */
    public static RooflineCostModel build(String profile, String model, String deployment, int decodeBatchCapPerNpu,
                                          String calibration) {
        if (decodeBatchCapPerNpu < 0) throw new IllegalArgumentException("decodeBatchCapPerNpu must be >= 0, got " + decodeBatchCapPerNpu);
        String key = profile + "|" + model + "|" + deployment + "|" + decodeBatchCapPerNpu + "|" + calibration;
        RooflineCostModel c = CACHE.get(key);
        if (c != null) return c;
        HardwareProfile hw = SpecLoader.profile(profile);
        ModelSpec m = SpecLoader.model(model);
        Deployment d = SpecLoader.deployment(deployment);
        c = new RooflineCostModel(hw, m, d, decodeBatchCapPerNpu, null, Calibrations.forProfile(hw.name(), calibration));
        CACHE.putIfAbsent(key, c);
        return c;
    }
}
