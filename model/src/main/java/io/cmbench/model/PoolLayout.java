package io.cmbench.model;

/**
 * The shape of a scenario's deployment as the emulation sees it.
 *
 * @param prefillInstances number of prefill instances
 * @param prefillNpusPerInstance NPUs (packages) per prefill instance
 * @param prefillTokenBudgetPerInstance max prompt tokens one prefill batch may hold
 * @param decodeInstances number of decode instances
 * @param decodeNpusPerInstance NPUs (packages) per decode instance
 * @param diesPerNpu dies per NPU package (DP ranks of a decode instance = NPUs x dies)
 * @param decodeBatchCapPerNpu max concurrent sequences per NPU in a decode instance
 * @param kvCacheTokensPerDie max KV tokens a decode die can hold (memory cap)
 * @param supernodes supernodes of the fleet; instance counts above are the fleet's totals, instance i of a pool
 *     lives on supernode i / (instances / supernodes)
 */
public record PoolLayout(
        int prefillInstances,
        int prefillNpusPerInstance,
        int prefillTokenBudgetPerInstance,
        int decodeInstances,
        int decodeNpusPerInstance,
        int diesPerNpu,
        int decodeBatchCapPerNpu,
        long kvCacheTokensPerDie,
        int supernodes) {

    /** One supernode. */
    public PoolLayout(int prefillInstances, int prefillNpusPerInstance, int prefillTokenBudgetPerInstance,
                      int decodeInstances, int decodeNpusPerInstance, int diesPerNpu, int decodeBatchCapPerNpu,
                      long kvCacheTokensPerDie) {
        this(prefillInstances, prefillNpusPerInstance, prefillTokenBudgetPerInstance, decodeInstances,
                decodeNpusPerInstance, diesPerNpu, decodeBatchCapPerNpu, kvCacheTokensPerDie, 1);
    }

    public int prefillInstancesPerSupernode() {
        return prefillInstances / supernodes;
    }

    public int decodeInstancesPerSupernode() {
        return decodeInstances / supernodes;
    }

    public int prefillNpus() {
        return prefillInstances * prefillNpusPerInstance;
    }

    public int decodeNpus() {
        return decodeInstances * decodeNpusPerInstance;
    }

    public int decodeDiesPerInstance() {
        return decodeNpusPerInstance * diesPerNpu;
    }
}
