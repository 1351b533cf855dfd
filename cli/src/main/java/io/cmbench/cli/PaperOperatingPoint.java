package io.cmbench.cli;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.model.CostModels;
import io.cmbench.model.DecodeCapacity;
import io.cmbench.model.DecodeResult;
import io.cmbench.model.PoolLayout;
import io.cmbench.model.RooflineCostModel;
import io.cmbench.model.ScenarioSpec;
import java.util.Locale;

/**
 * The default run's offered load: the rate that keeps the scenario's decode pool at its batch cap (for the paper's
 * deployment its 50 ms operating point, 160 NPUs at 96 sequences each), from the scenario's cost model, and what the
 * prefill pool could feed at those lengths.
 */
record PaperOperatingPoint(double requestsPerSecond, double requestLifetimeSeconds, int batchCapPerNpu, int decodeNpus,
                           double tpotMs, double prefillRequestsPerSecond, int prefillNpus, double fillSeconds) {

    /**
     * Offered load over the pool's capacity at its cap. At exactly the capacity the pool only creeps towards its cap
     * (each added sequence lengthens every request's life: at batch 96 the gap closes with a time constant of ~40 s);
     * a few percent more fills it within one request's life, and the excess waits for a slot (it shows in TTFT).
     */
    static final double OVERLOAD = 1.05;

    /** Windows to leave out at the start: those that begin before the pool is full. */
    int warmupWindows(double windowSeconds) {
        return Math.max(1, (int) Math.ceil(fillSeconds / windowSeconds));
    }

    /**
     * Seconds until the pool holds its cap: cohorts of arrivals (one per time step) each produce tokens at 1 / TPOT of the
     * pool's current batch until they have their output. Early on the batch is small and requests finish fast, so
     * the pool fills in more than one request's life at the cap.
     */
    private static double fillSeconds(RooflineCostModel m, double rate, int cap, int npus, int promptTokens, int outputTokens) {
        double[] tpotSeconds = new double[cap + 1];
        for (int b = 1; b <= cap; b++) tpotSeconds[b] = m.decodeUniform(b, promptTokens + outputTokens / 2).tpotMicros() / 1e6;
        double dt = 0.05, full = (double) cap * npus, inFlight = 0, t = 0;
        java.util.ArrayDeque<double[]> cohorts = new java.util.ArrayDeque<>();   // {sequences, tokens produced}
        while (inFlight < full && t < 3600) {
            cohorts.addLast(new double[] {rate * dt, 0});
            inFlight += rate * dt;
            double perSequence = dt / tpotSeconds[Math.max(1, Math.min(cap, (int) Math.ceil(inFlight / npus)))];
            for (double[] c : cohorts) c[1] += perSequence;
            while (!cohorts.isEmpty() && cohorts.peekFirst()[1] >= outputTokens) inFlight -= cohorts.pollFirst()[0];
            t += dt;
        }
        return t;
    }

    static PaperOperatingPoint of(ScenarioSpec s, int promptTokens, int outputTokens) {
        RooflineCostModel m = CostModels.build(s.profile(), s.model(), s.deployment(), s.decodeBatchCapPerNpu(), s.calibration());
        PoolLayout l = m.layout();
        int cap = l.decodeBatchCapPerNpu();
        DecodeResult d = m.decodeUniform(cap, promptTokens + outputTokens / 2);
        double prefillRate = io.cmbench.model.capacity.UniformPrefill.saturationRequestsPerSec(m, promptTokens, 0);
        double rate = OVERLOAD * DecodeCapacity.requestsPerSecond(m, cap, promptTokens, outputTokens);
        return new PaperOperatingPoint(rate, outputTokens * d.tpotMicros() / 1e6, cap, l.decodeNpus(), d.tpotMicros() / 1e3,
                prefillRate, l.prefillInstances() * l.prefillNpusPerInstance(),
                fillSeconds(m, rate, cap, l.decodeNpus(), promptTokens, outputTokens));
    }

    String describe(EmulationMode mode) {
        String how = switch (mode) {
            case DECODE_ONLY -> String.format(Locale.ROOT,
                    "decode-only: requests arrive with their KV in place, as in the paper's decode measurement (the %d prefill "
                            + "NPUs would feed %.0f requests/s of these prompts)", prefillNpus, prefillRequestsPerSecond);
            case FULL -> String.format(Locale.ROOT, "full pipeline: the %d prefill NPUs feed at most %.0f requests/s of these "
                    + "prompts, so the prefill pool sets the pace", prefillNpus, prefillRequestsPerSecond);
            case PREFILL_ONLY -> "prefill-only";
        };
        return String.format(Locale.ROOT, "operating point: %.1f requests/s keeps the %d decode NPUs at their batch cap of %d "
                        + "(%.0f %% of the model's capacity there: TPOT %.2f ms, %.1f s per request; the excess waits for a slot; "
                        + "full after about %.0f s); %s. A low-load run: --rate 100.",
                requestsPerSecond, decodeNpus, batchCapPerNpu, 100 * OVERLOAD, tpotMs, requestLifetimeSeconds, fillSeconds, how);
    }
}
