package io.cmbench.jobs.serde;

/** A 64-bit hash that is the same on every JVM, run and parallelism (FNV-1a over chars + SplitMix64 finalizer). */
public final class StableHash {
    private StableHash() {}

    public static long of(String... parts) {
        long h = 0xcbf29ce484222325L;
        for (String p : parts) {
            for (int i = 0; i < p.length(); i++) {
                h ^= p.charAt(i);
                h *= 0x100000001b3L;
            }
            h ^= 0xffff; // separator, so ("ab","c") != ("a","bc")
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Deterministic bucket in [0, n). */
    public static int bucket(long hash, int n) {
        return (int) Long.remainderUnsigned(hash, n);
    }
}
