package io.cmbench.cli.ingest;

import java.util.PriorityQueue;

/**
 * Arrival times for a result file that records none (SGLang's bench_serving, vLLM's benchmark_serving.py before it
 * saved {@code start_times}): what the benchmark client did, as far as its recorded settings tell. Request i is due at
 * i / request_rate (all at 0 when the rate is infinite) — the client drew Poisson gaps, which the file does not keep,
 * so only the mean rate is recovered — and, under {@code max_concurrency}, is sent when the earliest of the requests in
 * flight ends (the client's FIFO semaphore), its latency being ttft + sum(itls) (0 for a failed request).
 */
final class ArrivalSchedule {
    private ArrivalSchedule() {}

    /**
     * @param latencyMicros each request's end-to-end latency, in send order
     * @param ratePerSec the client's request rate; {@code Double.POSITIVE_INFINITY}: all at once
     * @param maxConcurrency requests in flight at most; 0: no limit
     */
    static long[] sendTimesMicros(long[] latencyMicros, double ratePerSec, int maxConcurrency) {
        long[] out = new long[latencyMicros.length];
        PriorityQueue<Long> inFlightEnds = new PriorityQueue<>();
        for (int i = 0; i < out.length; i++) {
            long due = Double.isInfinite(ratePerSec) ? 0 : Math.round(i * 1e6 / ratePerSec);
            long send = due;
            if (maxConcurrency > 0 && inFlightEnds.size() >= maxConcurrency) {
                send = Math.max(due, inFlightEnds.poll());
            }
            out[i] = send;
            if (maxConcurrency > 0) {
                inFlightEnds.add(send + latencyMicros[i]);
            }
        }
        return out;
    }
}
