package io.cmbench.model;

/**
 * The request rate that keeps a deployment's decode pool at a batch per NPU in steady state: with continuous batching
 * every sequence holds a slot for {@code output / tokensPerStep} steps, so the pool completes
 * {@code decodeNpus * batch / (output * TPOT)} requests per second (TPOT at the mean KV length prompt + output / 2).
 */
public final class DecodeCapacity {
    private DecodeCapacity() {}

    /** Requests per second that fill every decode instance to {@code batchPerNpu} sequences per NPU. */
    public static double requestsPerSecond(RooflineCostModel cm, int batchPerNpu, int promptTokens, int outputTokens) {
        if (batchPerNpu <= 0 || outputTokens <= 0) throw new IllegalArgumentException("batch and output tokens must be > 0");
        double tpotSeconds = cm.decodeUniform(batchPerNpu, promptTokens + outputTokens / 2).tpotMicros() / 1e6;
        int npus = cm.layout().decodeInstances() * cm.layout().decodeNpusPerInstance();
        return npus * batchPerNpu / (outputTokens * tpotSeconds);
    }
}
