package io.cmbench.model.scenario;

import io.cmbench.model.ScenarioSpec;
import java.io.Serializable;

/** One entry of a scenario file: what runs (profile, model, deployment, caps) and how it is served (policies). */
public record Scenario(ScenarioSpec spec, ScenarioPolicies policies) implements Serializable {
    public Scenario {
        if (spec == null) throw new IllegalArgumentException("spec must be set");
        if (policies == null) policies = ScenarioPolicies.defaults();
    }
}
