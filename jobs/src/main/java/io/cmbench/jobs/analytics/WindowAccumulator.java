package io.cmbench.jobs.analytics;

import io.cmbench.jobs.LatencyHistograms;
import java.util.Map;
import java.util.TreeMap;
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
    /**
     * Output tokens per decode die, keyed by {@link #dieKey(int, int)} of (decodeInstance, decodeDie); only
     * completions with decodeDie &ge; 0. Sorted, so iteration and serialization are deterministic.
     */
    public TreeMap<Long, Long> dieTokens = new TreeMap<>();

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

    /** Key of die {@code die} of decode instance {@code instance}: sorts by instance, then die (die &ge; 0). */
    public static long dieKey(int instance, int die) {
        return ((long) instance << 32) | (die & 0xFFFF_FFFFL);
    }

    /** Adds {@code tokens} to the die's total. */
    public void addDieTokens(long dieKey, long tokens) {
        dieTokens.merge(dieKey, tokens, Long::sum);
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
        for (Map.Entry<Long, Long> e : o.dieTokens.entrySet()) {
            addDieTokens(e.getKey(), e.getValue());
        }
        return this;
    }
}
