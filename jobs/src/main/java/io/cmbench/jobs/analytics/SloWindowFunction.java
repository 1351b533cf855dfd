package io.cmbench.jobs.analytics;

import io.cmbench.jobs.LatencyHistograms;
import io.cmbench.jobs.SloSpec;
import io.cmbench.schemas.DieLoad;
import io.cmbench.schemas.SloResult;
import io.cmbench.schemas.SloWindow;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a window's accumulator into an {@link SloWindow}. Window bounds are simulated µs. Per-NPU rates divide by
 * the window length in seconds and by the scenario's decode (output, goodput) or prefill (prompt) NPU packages.
 * Windows without completions produce no record. The die load (min/mean/max output tokens per decode die) covers
 * the dies seen in the window's completions: a die that finished no request in the window is not visible.
 */
public class SloWindowFunction extends ProcessWindowFunction<WindowAccumulator, SloWindow, String, TimeWindow> {
    private static final long serialVersionUID = 1L;
    private final List<SloSpec> slos;

    public SloWindowFunction(List<SloSpec> slos) {
        this.slos = List.copyOf(slos);
    }

    @Override
    public void process(String scenario, Context ctx, Iterable<WindowAccumulator> in, Collector<SloWindow> out) {
        for (WindowAccumulator a : in) {
            out.collect(toWindow(scenario, ctx.window().getStart(), ctx.window().getEnd(), a, slos));
        }
    }

    public static SloWindow toWindow(String scenario, long start, long end, WindowAccumulator a, List<SloSpec> slos) {
        double seconds = (end - start) / 1e6;
        List<SloResult> results = new ArrayList<>(slos.size());
        for (int i = 0; i < slos.size(); i++) {
            SloSpec s = slos.get(i);
            results.add(SloResult.newBuilder()
                    .setName(s.name()).setTpotBoundMicros(s.tpotBoundMicros()).setTtftBoundMicros(s.ttftBoundMicros())
                    .setGoodRequests(a.goodRequests[i]).setGoodOutputTokens(a.goodOutputTokens[i])
                    .setGoodputTokensPerSecPerNpu(perSecPerNpu(a.goodOutputTokens[i], seconds, a.decodeNpus))
                    .setRequestGoodputPerSec(a.goodRequests[i] / seconds)
                    .setAttainment(a.count == 0 ? 0.0 : (double) a.goodRequests[i] / a.count)
                    .build());
        }
        return SloWindow.newBuilder()
                .setScenario(scenario).setWindowStartMicros(start).setWindowEndMicros(end)
                .setDecodeNpus(a.decodeNpus).setPrefillNpus(a.prefillNpus)
                .setCompletedRequests(a.count).setOutputTokens(a.outputTokens).setPromptTokens(a.promptTokens)
                .setOutputTokensPerSecPerNpu(perSecPerNpu(a.outputTokens, seconds, a.decodeNpus))
                .setPrefillTokensPerSecPerNpu(perSecPerNpu(a.promptTokens, seconds, a.prefillNpus))
                .setSlos(results)
                .setTtft(LatencyHistograms.summary(a.ttft))
                .setTpot(LatencyHistograms.summary(a.tpot))
                .setE2e(LatencyHistograms.summary(a.e2e))
                .setDieLoad(dieLoad(a))
                .build();
    }

    /** Min, mean and max output tokens over the dies seen in the window (all zero when none). */
    static DieLoad dieLoad(WindowAccumulator a) {
        int dies = a.dieTokens.size();
        if (dies == 0) {
            return DieLoad.newBuilder().setDies(0).setMinTokens(0).setMeanTokens(0.0).setMaxTokens(0).build();
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long sum = 0;
        for (long t : a.dieTokens.values()) {
            min = Math.min(min, t);
            max = Math.max(max, t);
            sum += t;
        }
        return DieLoad.newBuilder().setDies(dies).setMinTokens(min).setMeanTokens((double) sum / dies).setMaxTokens(max)
                .build();
    }

    static double perSecPerNpu(long tokens, double seconds, int npus) {
        return npus <= 0 ? 0.0 : tokens / seconds / npus;
    }
}
