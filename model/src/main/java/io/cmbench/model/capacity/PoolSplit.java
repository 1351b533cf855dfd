package io.cmbench.model.capacity;

import io.cmbench.model.spec.Deployment;
import java.util.Locale;

/** How many instances of how many NPUs each pool of a disaggregated deployment has. */
public record PoolSplit(int prefillInstances, int prefillNpusPerInstance, int decodeInstances, int decodeNpusPerInstance) {

    public PoolSplit {
        if (prefillInstances < 1 || prefillNpusPerInstance < 1 || decodeInstances < 1 || decodeNpusPerInstance < 1) {
            throw new IllegalArgumentException("every pool needs at least one instance of at least one NPU, got " + this);
        }
    }

    public static PoolSplit of(Deployment d) {
        return new PoolSplit(d.prefill().instances(), d.prefill().npusPerInstance(), d.decode().instances(),
                d.decode().npusPerInstance());
    }

    /**
     * Pools of {@code prefillNpus} and {@code decodeNpus} NPUs cut into instances like {@code base}'s: instances of
     * the base's instance size when it divides the pool, otherwise the fewest equal instances no larger than it
     * (288 decode NPUs with a 160-NPU base: 2 × 144). {@code prefillInstances}/{@code decodeInstances} > 0 fix the
     * count instead (it must divide the pool).
     */
    public static PoolSplit of(Deployment base, int prefillNpus, int decodeNpus, int prefillInstances, int decodeInstances) {
        int p = prefillInstances > 0 ? prefillInstances : instancesFor(prefillNpus, base.prefill().npusPerInstance());
        int d = decodeInstances > 0 ? decodeInstances : instancesFor(decodeNpus, base.decode().npusPerInstance());
        if (prefillNpus % p != 0) {
            throw new IllegalArgumentException("--prefill-instances: " + p + " does not divide the " + prefillNpus + " prefill NPUs");
        }
        if (decodeNpus % d != 0) {
            throw new IllegalArgumentException("--decode-instances: " + d + " does not divide the " + decodeNpus + " decode NPUs");
        }
        return new PoolSplit(p, prefillNpus / p, d, decodeNpus / d);
    }

    /** The fewest equal instances, none larger than {@code baseSize}, that {@code npus} splits into. */
    static int instancesFor(int npus, int baseSize) {
        if (npus < 1) throw new IllegalArgumentException("a pool needs at least one NPU, got " + npus);
        for (int k = (npus + baseSize - 1) / baseSize; k <= npus; k++) {
            if (npus % k == 0) return k;
        }
        return npus;
    }

    public int prefillNpus() {
        return prefillInstances * prefillNpusPerInstance;
    }

    public int decodeNpus() {
        return decodeInstances * decodeNpusPerInstance;
    }

    public int npus() {
        return prefillNpus() + decodeNpus();
    }

    /** E.g. {@code 6x16+1x160}: prefill instances × NPUs + decode instances × NPUs. */
    public String label() {
        return String.format(Locale.ROOT, "%dx%d+%dx%d", prefillInstances, prefillNpusPerInstance, decodeInstances,
                decodeNpusPerInstance);
    }
}
