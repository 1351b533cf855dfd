package io.cmbench.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.HardwareProfile;
import io.cmbench.model.spec.ModelSpec;
import io.cmbench.model.spec.SpecLoader;

/** Shipped YAML texts and variants of them for tests. */
final class TestSpecs {
    private TestSpecs() {}

    static String text(String kind, String name) {
        try (InputStream in = TestSpecs.class.getClassLoader().getResourceAsStream("cmbench/" + kind + "/" + name + ".yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String replaceOnce(String text, String from, String to) {
        int i = text.indexOf(from);
        if (i < 0) throw new IllegalArgumentException("not in text: " + from);
        return text.substring(0, i) + to + text.substring(i + from.length());
    }

    static HardwareProfile profile(String text) {
        return SpecLoader.parseText("profiles/test.yaml", text, HardwareProfile::fromYaml);
    }

    static ModelSpec model(String text) {
        return SpecLoader.parseText("models/test.yaml", text, ModelSpec::fromYaml);
    }

    static Deployment deployment(String text) {
        return SpecLoader.parseText("deployments/test.yaml", text, Deployment::fromYaml);
    }

    /**
     * The paper's deployment on the physics variant with every expert-parallel rank at its mean share (balanced routing),
     * so that hand-computed rooflines use the mean routed load; the stochastic busiest-die load has tests of its own.
     */
    static RooflineCostModel paper() {
        RooflineCostModel cm = CostModels.build("cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 0, Calibration.PHYSICS_NAME);
        return cm.withDeployment(cm.deployment().withBalancedRouting());
    }

    /** The paper's profile and model with a variant of a deployment text. */
    /** The physics on a variant of the paper's deployment text, with balanced routing as {@link #paper()}. */
    static RooflineCostModel paper(String deploymentText) {
        return new RooflineCostModel(SpecLoader.profile("cloudmatrix384"), SpecLoader.model("deepseek-r1"),
                deployment(deploymentText).withBalancedRouting(), 0, null);
    }
}
