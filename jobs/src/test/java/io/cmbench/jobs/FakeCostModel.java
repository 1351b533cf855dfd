package io.cmbench.jobs;

import io.cmbench.model.PoolLayout;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.ServingCostModel;

/**
 * Exact-number cost model for tests: decode step = stepMicros + perSeqMicros × max sequences on a die;
 * prefill batch = prefillFixedMicros + prefillPerTokenMicros × uncached tokens; KV transfer = kvMicros.
 */
public record FakeCostModel(PoolLayout layout, long stepMicros, long perSeqMicros, long prefillFixedMicros,
                            long prefillPerTokenMicros, long kvMicros, int mtp, double acceptance)
        implements ServingCostModel, java.io.Serializable {

    public static FakeCostModel simple(PoolLayout layout) {
        return new FakeCostModel(layout, 10, 0, 5, 1, 3, 0, 0.0);
    }

    @Override
    public long decodeStepMicros(int[] sequencesPerDie, long[] kvTokensPerDie) {
        int max = 0;
        for (int s : sequencesPerDie) {
            max = Math.max(max, s);
        }
        return stepMicros + perSeqMicros * max;
    }

    @Override public int mtpSpeculativeTokens() { return mtp; }
    @Override public double mtpAcceptance() { return acceptance; }

    @Override
    public long prefillBatchMicros(int[] promptTokens, int[] cachedTokens) {
        long t = 0;
        for (int i = 0; i < promptTokens.length; i++) {
            t += promptTokens[i] - cachedTokens[i];
        }
        return prefillFixedMicros + prefillPerTokenMicros * t;
    }

    @Override public long kvTransferMicros(int contextTokens) { return kvMicros; }
    @Override public long cacheReadMicros(int tokens) { return 0; }

    /** A factory handing every scenario this model. */
    public CostModelFactory factory() {
        FakeCostModel self = this;
        return (ScenarioSpec s) -> self;
    }
}
