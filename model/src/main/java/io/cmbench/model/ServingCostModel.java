package io.cmbench.model;

/**
 * What the serving emulation asks of the cost model. This is the contract between {@code jobs/} and
 * {@code model/}: implementations are pure functions of their inputs (deterministic) and cheap, because
 * the emulation calls them on every engine step.
 */
public interface ServingCostModel {

    /** Pools, instances and caps of the scenario's deployment. */
    PoolLayout layout();

    /**
     * Wall time of one decode iteration of one decode instance.
     *
     * @param sequencesPerDie requests batched on each die (DP rank) of the instance; length = dies of the instance
     * @param kvTokensPerDie sum of the KV lengths (tokens already in context) of those requests, per die
     */
    long decodeStepMicros(int[] sequencesPerDie, long[] kvTokensPerDie);

    /** Speculative (MTP) tokens verified per decode step per sequence; 0 without MTP. */
    int mtpSpeculativeTokens();

    /** Probability that one speculative token is accepted. */
    double mtpAcceptance();

    /**
     * Wall time of one prefill batch on one prefill instance.
     *
     * @param promptTokens prompt length of each request in the batch
     * @param cachedTokens of those, tokens whose KV comes from the context cache (no compute, read over UB)
     */
    long prefillBatchMicros(int[] promptTokens, int[] cachedTokens);

    /** Moving one request's KV cache from a prefill to a decode instance (RDMA plane). */
    long kvTransferMicros(int contextTokens);

    /** Reading {@code tokens} tokens of cached KV from the memory pool over UB. */
    long cacheReadMicros(int tokens);
}
