package io.cmbench.cli;

import io.cmbench.jobs.SloSpec;
import io.cmbench.model.CostModels;
import io.cmbench.model.RooflineCostModel;
import io.cmbench.model.capacity.CapacityBracket;
import io.cmbench.model.capacity.PoolSplit;
import io.cmbench.model.capacity.SloBounds;
import io.cmbench.model.capacity.SplitDeployment;
import io.cmbench.model.capacity.WorkloadShape;
import io.cmbench.model.spec.SpecLoader;
import java.nio.file.Path;

/**
 * One deployment a capacity search measures: the deployment (a shipped one, or its base re-cut to a {@link PoolSplit}
 * and written as a file), the decode batch cap, the cost model built on it and the model's bracket for the workload
 * and SLO.
 */
record CapacityTarget(String profile, String model, String deployment, PoolSplit split, int batchCapPerNpu,
                      String calibration, RooflineCostModel costModel, CapacityBracket bracket) {

    static final String PROFILE = "cloudmatrix384";
    static final String MODEL = "deepseek-r1";

    /** {@code split == null}: the base deployment as it is; else the base re-cut, written to {@code dir/file}. */
    static CapacityTarget of(String base, PoolSplit split, int batchCapPerNpu, String calibration, WorkloadShape shape,
                             SloBounds bounds, Path dir, String file) {
        String deployment = base;
        if (split != null && !split.equals(PoolSplit.of(SpecLoader.deployment(base)))) {
            deployment = SplitDeployment.write(base, split, SpecLoader.profile(PROFILE), SpecLoader.model(MODEL), dir, file)
                    .toString();
        }
        RooflineCostModel m = CostModels.build(PROFILE, MODEL, deployment, batchCapPerNpu, calibration);
        return new CapacityTarget(PROFILE, MODEL, deployment, PoolSplit.of(m.deployment()), batchCapPerNpu, calibration,
                m, CapacityBracket.of(m, shape, bounds));
    }

    int npus() {
        return split.npus();
    }

    /** A request's lifetime at the SLO's edge (TTFT bound plus its output at the TPOT bound), for a run's windows. */
    static double lifetimeSeconds(SloSpec slo, WorkloadShape shape) {
        return (slo.ttftBoundMicros() + shape.meanOutputTokens() * slo.tpotBoundMicros()) / 1e6;
    }
}
