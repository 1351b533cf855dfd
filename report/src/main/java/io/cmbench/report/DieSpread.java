package io.cmbench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Load per decode die of one scenario, from its completions: requests and output tokens per
 * (decode instance, die). Dies are counted over the full grid {@code instances × dies per instance}
 * implied by the highest indices seen, so a die that served nothing counts as zero load.
 */
record DieSpread(int instances, int diesPerInstance, long[] requests, long[] tokens) {

    /** min / mean / max of one load measure over all dies; imbalance = max / mean, cv = stdev / mean. */
    record Stats(long min, double mean, long max, double imbalance, double cv, int idle) {}

    int dies() {
        return requests.length;
    }

    Stats requestStats() {
        return stats(requests);
    }

    Stats tokenStats() {
        return stats(tokens);
    }

    static Stats stats(long[] v) {
        if (v.length == 0) {
            return new Stats(0, 0, 0, 0, 0, 0);
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        double sum = 0;
        int idle = 0;
        for (long x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
            if (x == 0) {
                idle++;
            }
        }
        double mean = sum / v.length;
        double ss = 0;
        for (long x : v) {
            ss += (x - mean) * (x - mean);
        }
        double sd = Math.sqrt(ss / v.length);
        return new Stats(min, mean, max, mean == 0 ? 0 : max / mean, mean == 0 ? 0 : sd / mean, idle);
    }

    /**
     * A histogram of per-die values: at most {@code n} equal-width bins from the minimum, each a whole number of
     * the values' common step (e.g. 256 when every request has 256 output tokens), so no bin is empty merely
     * because no value can fall into it.
     */
    static List<Histograms.Bin> histogram(long[] v, int n) {
        if (v.length == 0) {
            return List.of();
        }
        Stats s = stats(v);
        long lo = s.min();
        long g = 0;
        for (long x : v) {
            g = gcd(g, x - lo);
        }
        if (g == 0) {
            g = 1; // all equal
        }
        long units = (s.max() - lo) / g + 1; // lattice points lo, lo + g, ..., max
        long bins = Math.max(1, Math.min(n, units));
        long unitsPerBin = (units + bins - 1) / bins;
        bins = (units + unitsPerBin - 1) / unitsPerBin;
        long width = unitsPerBin * g;
        long[] counts = new long[(int) bins];
        for (long x : v) {
            counts[(int) ((x - lo) / width)]++;
        }
        List<Histograms.Bin> out = new ArrayList<>((int) bins);
        for (int i = 0; i < bins; i++) {
            out.add(new Histograms.Bin(lo + i * width, lo + (i + 1) * width, counts[i]));
        }
        return out;
    }

    static long gcd(long a, long b) {
        a = Math.abs(a);
        b = Math.abs(b);
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** Accumulates completions of one scenario. */
    static final class Builder {
        private final Map<Long, long[]> byDie = new TreeMap<>(); // key: instance << 32 | die
        private int maxInstance = -1;
        private int maxDie = -1;

        Builder add(int instance, int die, long outputTokens) {
            if (die < 0) {
                return this;
            }
            int inst = Math.max(0, instance);
            maxInstance = Math.max(maxInstance, inst);
            maxDie = Math.max(maxDie, die);
            long[] a = byDie.computeIfAbsent(((long) inst << 32) | die, k -> new long[2]);
            a[0]++;
            a[1] += outputTokens;
            return this;
        }

        DieSpread build() {
            int instances = maxInstance + 1;
            int dies = maxDie + 1;
            long[] req = new long[Math.max(0, instances * dies)];
            long[] tok = new long[req.length];
            byDie.forEach((k, a) -> {
                int i = (int) (k >>> 32) * dies + (int) (k & 0xffffffffL);
                req[i] = a[0];
                tok[i] = a[1];
            });
            return new DieSpread(Math.max(0, instances), Math.max(0, dies), req, tok);
        }
    }
}
