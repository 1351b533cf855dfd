package io.cmbench.jobs;

/**
 * Which pools the emulation runs.
 * <ul>
 *   <li>FULL: prefill pool, KV transfer, decode pool. The prefill computes the first token; it reaches
 *       the user once the KV transfer is done, so firstTokenMicros = kvTransferEndMicros (TTFT includes
 *       queueing, prefill and KV transfer, as docs/METRICS.md defines it).</li>
 *   <li>DECODE_ONLY: requests arrive at the decode pool with their KV cache in place
 *       (prefillStart = prefillEnd = kvTransferEnd = arrival); the decode pool emits every output
 *       token, the first at the end of the request's first decode step.</li>
 *   <li>PREFILL_ONLY: only the prefill pool; each completion reports the one token the prefill emits
 *       (outputTokens = 1, first = last = prefill end).</li>
 * </ul>
 */
public enum EmulationMode { FULL, DECODE_ONLY, PREFILL_ONLY }
