package io.cmbench.model.capacity;

/**
 * What the cost model's capacity bracket needs of a workload: mean prompt and output lengths and the mean prompt
 * tokens a request finds in the context cache (prefix reuse).
 */
public record WorkloadShape(double meanPromptTokens, double meanOutputTokens, double meanCachedTokens) {
    public WorkloadShape {
        if (!(meanPromptTokens >= 1) || !(meanOutputTokens >= 2) || !(meanCachedTokens >= 0)
                || meanCachedTokens >= meanPromptTokens) {
            throw new IllegalArgumentException("workload shape: prompt >= 1, output >= 2, 0 <= cached < prompt tokens, got "
                    + meanPromptTokens + ", " + meanOutputTokens + ", " + meanCachedTokens);
        }
    }

    /** Fixed lengths, no prefix reuse. */
    public static WorkloadShape fixed(int promptTokens, int outputTokens) {
        return new WorkloadShape(promptTokens, outputTokens, 0);
    }
}
