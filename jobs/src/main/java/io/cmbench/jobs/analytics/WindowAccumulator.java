package io.cmbench.jobs.analytics;

import io.cmbench.jobs.LatencyHistograms;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * Running totals of one scenario in one window. Serialized by {@link WindowAccumulatorSerializer}, which stores
 * the histograms in their compressed encoding (an HdrHistogram through Kryo costs ~24 KB each).
 */
@TypeInfo(WindowAccumulatorTypeInfo.Factory.class)
public final class WindowAccumulator {
    public String scenario;
    public int decodeNpus;
    public int prefillNpus;
    public long count;
    public long outputTokens;
    public long promptTokens;
    /** Per SLO, in the configured order. */
    public long[] goodRequests;
    public long[] goodOutputTokens;
    public Histogram ttft;
    public Histogram tpot;
    public Histogram e2e;

    public WindowAccumulator() {
        this(0);
    }

    public WindowAccumulator(int slos) {
        goodRequests = new long[slos];
        goodOutputTokens = new long[slos];
        ttft = LatencyHistograms.newHistogram();
        tpot = LatencyHistograms.newHistogram();
        e2e = LatencyHistograms.newHistogram();
    }

    /** Adds {@code other} into this. */
    public WindowAccumulator mergeFrom(WindowAccumulator o) {
        if (scenario == null) {
            scenario = o.scenario;
        }
        decodeNpus = Math.max(decodeNpus, o.decodeNpus);
        prefillNpus = Math.max(prefillNpus, o.prefillNpus);
        count += o.count;
        outputTokens += o.outputTokens;
        promptTokens += o.promptTokens;
        for (int i = 0; i < goodRequests.length; i++) {
            goodRequests[i] += o.goodRequests[i];
            goodOutputTokens[i] += o.goodOutputTokens[i];
        }
        ttft.add(o.ttft);
        tpot.add(o.tpot);
        e2e.add(o.e2e);
        return this;
    }
}
