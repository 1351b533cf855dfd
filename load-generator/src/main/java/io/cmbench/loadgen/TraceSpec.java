package io.cmbench.loadgen;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Replay of a public trace file.
 *
 * @param format {@link TraceFormat#AZURE} CSV or {@link TraceFormat#MOONCAKE} JSONL
 * @param file the trace file
 * @param timeScale multiplies every inter-arrival time: 0.5 replays twice as fast, 2 half as fast
 * @param blockTokens tokens per prefix block for the trace's hash ids (Mooncake uses 512)
 * @param requestClass the {@code requestClass} written into each record
 */
public record TraceSpec(TraceFormat format, Path file, double timeScale, int blockTokens, String requestClass) {
  public static final int MOONCAKE_BLOCK_TOKENS = 512;

  public TraceSpec {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(file, "file");
    if (!(timeScale > 0) || !Double.isFinite(timeScale)) {
      throw new IllegalArgumentException("timeScale must be a finite number > 0, got " + timeScale);
    }
    if (blockTokens <= 0) {
      throw new IllegalArgumentException("blockTokens must be > 0, got " + blockTokens);
    }
    if (requestClass == null || requestClass.isBlank()) {
      requestClass = format.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static TraceSpec of(TraceFormat format, Path file, double timeScale) {
    return new TraceSpec(format, file, timeScale, MOONCAKE_BLOCK_TOKENS, null);
  }

  /** Opens a reader over the trace's records (in file order, which must be time order). */
  public TraceReader open() {
    return TraceReader.open(this);
  }
}
