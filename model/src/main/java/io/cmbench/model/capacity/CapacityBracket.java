package io.cmbench.model.capacity;

import io.cmbench.model.DecodeCapacity;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.RooflineCostModel;
import io.cmbench.model.SloSearch;
import java.util.Locale;

/**
 * The cost model's estimate of the highest request rate a disaggregated deployment holds under TTFT and TPOT bounds
 * — the bracket a capacity search centres its measured probes on. Each stage's limit, in steady state:
 *
 * <ul>
 *   <li><b>Prefill</b> (greedy batching: an idle instance starts a batch of everything queued, up to its token
 *       budget). At rate λ per instance, batches of n requests take T(n) and fill while the previous one runs, so the
 *       pool settles at n = λ·T(n). A request waits for the running batch to end (uniform in [0, T)) and rides the
 *       next: TTFT = (1 − u)·T + T + KV transfer, u uniform. The fraction with TTFT ≤ B is (B − kv − T) / T; it reaches
 *       the attainment target a while T ≤ (B − kv) / (1 + a). The pool's rate is the instances × n / T(n) of the
 *       largest such n (at most the token budget's worth of prompts).</li>
 *   <li><b>KV transfer</b>: a fixed latency per request in the emulation (no contention on the RDMA plane is
 *       modelled), so it limits the rate only by eating the TTFT budget: when the transfer alone exceeds the bound,
 *       nothing is attainable.</li>
 *   <li><b>Decode</b> (continuous batching): the largest batch per NPU whose TPOT at the mean KV length meets the bound
 *       ({@link SloSearch}), at most the deployment's cap; the rate that keeps the pool there
 *       ({@link DecodeCapacity}).</li>
 * </ul>
 * The estimate ignores Poisson fluctuations and per-request TPOT spread (MTP acceptance draws); the pipeline's
 * measured probes decide the answer.
 *
 * @param prefillRequestsPerSec the prefill pool's TTFT-limited rate
 * @param prefillSaturationRequestsPerSec the pool's rate with full batches (the token budget), TTFT ignored
 * @param prefillBatchRequests requests per batch at the limit
 * @param prefillBatchMicros a batch's duration there
 * @param kvTransferMicros one request's KV transfer
 * @param decodeRequestsPerSec the decode pool's TPOT-limited rate
 * @param decodeBatchPerNpu the batch per NPU at that rate
 * @param decodeTpotMicros its TPOT
 * @param bottleneck {@code prefill}, {@code kv-transfer} or {@code decode}
 * @param unattainable null, or why no rate meets the SLO (naming the limit)
 */
public record CapacityBracket(double prefillRequestsPerSec, double prefillSaturationRequestsPerSec,
                              int prefillBatchRequests, double prefillBatchMicros, double kvTransferMicros,
                              double decodeRequestsPerSec, int decodeBatchPerNpu, double decodeTpotMicros,
                              String bottleneck, String unattainable) {

    public static final String PREFILL = "prefill";
    public static final String KV_TRANSFER = "kv-transfer";
    public static final String DECODE = "decode";

    /** The deployment's estimated capacity: the slower stage's rate (0 when unattainable). */
    public double requestsPerSec() {
        return unattainable != null ? 0 : Math.min(prefillRequestsPerSec, decodeRequestsPerSec);
    }

    public static CapacityBracket of(RooflineCostModel m, WorkloadShape w, SloBounds slo) {
        PoolLayout layout = m.layout();
        int prompt = (int) Math.round(w.meanPromptTokens());
        int cached = (int) Math.round(w.meanCachedTokens());
        int output = (int) Math.round(w.meanOutputTokens());
        double kv = m.kvTransferMicros(prompt + 1);
        int maxPerBatch = UniformPrefill.fullBatchRequests(m, prompt);
        double batchLimitMicros = (slo.ttftBoundMicros() - kv) / (1 + slo.attainment());
        double saturation = UniformPrefill.saturationRequestsPerSec(m, prompt, cached);
        int n = largestBatchWithin(m, maxPerBatch, prompt, cached, batchLimitMicros);
        double batchMicros = UniformPrefill.batchMicros(m, Math.max(1, n), prompt, cached);
        double prefillRate = n == 0 ? 0 : layout.prefillInstances() * n / (batchMicros / 1e6);

        SloSearch.Result d = SloSearch.maxBatchFixed(m, slo.tpotBoundMicros() / 1e3, prompt, output);
        int b = Math.min(d.batchPerNpu(), layout.decodeBatchCapPerNpu());
        double decodeRate = b == 0 ? 0 : DecodeCapacity.requestsPerSecond(m, b, prompt, output);
        double tpot = b == 0 ? m.decodeUniform(1, prompt + output / 2).tpotMicros() : m.decodeUniform(b, prompt + output / 2).tpotMicros();

        String why = null;
        String bottleneck;
        if (kv >= slo.ttftBoundMicros()) {
            bottleneck = KV_TRANSFER;
            why = String.format(Locale.ROOT, "kv-transfer: moving one request's KV (%d tokens) takes %.1f ms, more than the"
                    + " TTFT bound of %.1f ms", prompt + 1, kv / 1e3, slo.ttftBoundMicros() / 1e3);
        } else if (n == 0) {
            bottleneck = PREFILL;
            why = String.format(Locale.ROOT, "prefill: one %d-token prompt takes %.1f ms to prefill; with the %.1f ms KV"
                            + " transfer and the wait for a running batch, a fraction %.2f of requests cannot meet TTFT <= %.1f ms"
                            + " (a batch may take at most %.1f ms)", prompt, batchMicros / 1e3, kv / 1e3,
                    slo.attainment(), slo.ttftBoundMicros() / 1e3, Math.max(0, batchLimitMicros) / 1e3);
        } else if (b == 0) {
            bottleneck = DECODE;
            why = String.format(Locale.ROOT, "decode: TPOT at batch 1 is %.2f ms, above the bound of %.2f ms", tpot / 1e3,
                    slo.tpotBoundMicros() / 1e3);
        } else {
            bottleneck = prefillRate <= decodeRate ? PREFILL : DECODE;
        }
        return new CapacityBracket(prefillRate, saturation, n, batchMicros, kv, decodeRate, b, tpot, bottleneck, why);
    }

    private static int largestBatchWithin(RooflineCostModel m, int maxPerBatch, int prompt, int cached, double limitMicros) {
        int lo = 0;
        int hi = maxPerBatch;
        while (lo < hi) {   // batch time grows with the batch: the largest n with T(n) <= limit
            int mid = (lo + hi + 1) / 2;
            if (UniformPrefill.batchMicros(m, mid, prompt, cached) <= limitMicros) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
