package io.cmbench.model;

/**
 * Entry point: builds a {@link ServingCostModel} for a scenario.
 * PLACEHOLDER until the first-principles model lands (issue 3): a crude bandwidth-only roofline so
 * that the jobs compile and run.
 */
public final class CostModels {
    private CostModels() {}

    public static ServingCostModel forScenario(ScenarioSpec spec) {
        int cap = spec.decodeBatchCapPerNpu() > 0 ? spec.decodeBatchCapPerNpu() : 96;
        PoolLayout layout = new PoolLayout(6, 16, 16 * 16384, 1, 160, 2, cap, 400_000L);
        return new ServingCostModel() {
            @Override public PoolLayout layout() { return layout; }
            @Override public long decodeStepMicros(int[] seqs, long[] kv) {
                long maxKv = 0; int maxSeq = 0;
                for (int i = 0; i < seqs.length; i++) { maxKv = Math.max(maxKv, kv[i]); maxSeq = Math.max(maxSeq, seqs[i]); }
                double weightsBytes = 16e9; double kvBytes = maxKv * 35_136.0;
                return (long) ((weightsBytes + kvBytes) / 1.346e12 * 1e6) + 200L * maxSeq;
            }
            @Override public int mtpSpeculativeTokens() { return 1; }
            @Override public double mtpAcceptance() { return 0.7; }
            @Override public long prefillBatchMicros(int[] p, int[] c) {
                long t = 0; for (int i = 0; i < p.length; i++) t += p[i] - c[i];
                return (long) (t * 2 * 37e9 / (16 * 1.2e15) * 1e6);
            }
            @Override public long kvTransferMicros(int tokens) { return (long) (tokens * 35_136.0 / 50e9 * 1e6); }
            @Override public long cacheReadMicros(int tokens) { return (long) (tokens * 35_136.0 / 150e9 * 1e6); }
        };
    }
}
