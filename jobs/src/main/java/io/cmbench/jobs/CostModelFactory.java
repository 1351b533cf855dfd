package io.cmbench.jobs;

import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.ServingCostModel;
import java.io.Serializable;

/** Builds the cost model of a scenario inside a task ({@code open}); tests substitute fakes. */
@FunctionalInterface
public interface CostModelFactory extends Serializable {
    ServingCostModel create(ScenarioSpec scenario);

    /** The real model: {@link ScenarioSpec#costModel()}. */
    static CostModelFactory fromScenarioSpec() {
        return ScenarioSpec::costModel;
    }
}
