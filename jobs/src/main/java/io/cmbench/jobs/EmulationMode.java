package io.cmbench.jobs;

/**
 * Which pools the emulation runs.
 * <ul>
 *   <li>FULL: prefill pool, KV transfer, decode pool. The prefill emits the first token, so
 *       firstTokenMicros = prefillEndMicros.</li>
 *   <li>DECODE_ONLY: requests arrive at the decode pool with their KV cache in place
 *       (prefillStart = prefillEnd = kvTransferEnd = arrival); the decode pool emits every output
 *       token, the first at the end of the request's first decode step.</li>
 *   <li>PREFILL_ONLY: only the prefill pool; each completion reports the one token the prefill emits
 *       (outputTokens = 1, first = last = prefill end).</li>
 * </ul>
 */
public enum EmulationMode { FULL, DECODE_ONLY, PREFILL_ONLY }
