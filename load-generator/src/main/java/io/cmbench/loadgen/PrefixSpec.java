package io.cmbench.loadgen;

/**
 * Prefix reuse of one request class, expressed as prefix-block identities (what the context cache
 * sees). A request of {@code p} prompt tokens carries {@code floor(p / blockTokens)} block ids;
 * blocks that are not reused get ids unique to the request.
 *
 * <ul>
 *   <li>{@link Shared}: with probability {@code reuseFraction} a request starts with one of {@code
 *       prompts} shared system prompts (chosen uniformly) of {@code tokens} tokens.
 *   <li>{@link Sessions}: multi-turn chat. Each request belongs to one of {@code concurrent}
 *       sessions (chosen uniformly); the first {@code reuseFraction} of its blocks are the session's
 *       history, identical for every turn of that session. After {@code turns} turns a session is
 *       replaced by a fresh one.
 * </ul>
 */
public record PrefixSpec(int blockTokens, Shared shared, Sessions sessions) {
  public static final int DEFAULT_BLOCK_TOKENS = 128;

  public PrefixSpec {
    if (blockTokens <= 0) {
      throw new IllegalArgumentException("blockTokens must be > 0, got " + blockTokens);
    }
    if (shared != null && sessions != null) {
      throw new IllegalArgumentException("use either shared or sessions prefix reuse, not both");
    }
  }

  /** Shared system prompts. */
  public record Shared(int prompts, int tokens, double reuseFraction) {
    public Shared {
      if (prompts <= 0) {
        throw new IllegalArgumentException("prompts must be > 0, got " + prompts);
      }
      if (tokens <= 0) {
        throw new IllegalArgumentException("tokens must be > 0, got " + tokens);
      }
      checkFraction(reuseFraction);
    }
  }

  /** Multi-turn sessions. */
  public record Sessions(int concurrent, int turns, double reuseFraction) {
    public Sessions {
      if (concurrent <= 0) {
        throw new IllegalArgumentException("concurrent must be > 0, got " + concurrent);
      }
      if (turns <= 0) {
        throw new IllegalArgumentException("turns must be > 0, got " + turns);
      }
      checkFraction(reuseFraction);
    }
  }

  static void checkFraction(double f) {
    if (!(f >= 0 && f <= 1)) {
      throw new IllegalArgumentException("reuseFraction must be in [0, 1], got " + f);
    }
  }
}
