package io.cmbench.loadgen;

/** Public LLM inference trace formats the generator can replay. */
public enum TraceFormat {
  /** Azure LLM inference trace: CSV with header {@code TIMESTAMP,ContextTokens,GeneratedTokens}. */
  AZURE,
  /** Mooncake trace: JSON lines with {@code timestamp} (ms), {@code input_length}, {@code output_length}, {@code hash_ids}. */
  MOONCAKE
}
