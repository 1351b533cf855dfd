package io.cmbench.jobs.emulation;

import java.io.Serializable;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Keys of one keyed stage that spread its units (cache shards, routers, prefill or decode instances of every
 * scenario) evenly over the subtasks, whatever the parallelism.
 *
 * <p>Why: Flink sends a key to key group murmur(hash) mod maxParallelism, and key group g to subtask
 * g × parallelism / maxParallelism. A stage with few keys — 8 decode instances at parallelism 8 — hashed at random
 * leaves some subtasks with two instances and others idle. Here unit j of the stage's T units gets the key whose key
 * group is j × maxParallelism / T, so at any parallelism p unit j runs on subtask ≈ j × p / T: T/p units each, ±1.
 *
 * <p>A key is {@code scenario << 40 | unit << 16 | salt}; the salt (the smallest that lands in the wanted key
 * group) carries no meaning, so results never depend on it — each key's state and timers are its own.
 */
public final class StageKeys implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int SALTS = 1 << 16;
    /** Largest unit index a key can carry. */
    public static final int MAX_UNITS = 1 << 24;

    private final long[][] keys;

    private StageKeys(long[][] keys) {
        this.keys = keys;
    }

    /** Balanced keys for {@code unitsPerScenario[s]} units of scenario s, under {@code maxParallelism} key groups. */
    public static StageKeys spread(int[] unitsPerScenario, int maxParallelism) {
        long total = 0;
        for (int n : unitsPerScenario) {
            total += n;
        }
        long[][] keys = new long[unitsPerScenario.length][];
        long j = 0;
        for (int s = 0; s < unitsPerScenario.length; s++) {
            keys[s] = new long[unitsPerScenario[s]];
            for (int u = 0; u < unitsPerScenario[s]; u++, j++) {
                int group = (int) (j * maxParallelism / total);
                keys[s][u] = find(s, u, group, maxParallelism);
            }
        }
        return new StageKeys(keys);
    }

    private static long find(int scenario, int unit, int group, int maxParallelism) {
        if (unit >= MAX_UNITS) {
            throw new IllegalArgumentException("a stage has more than " + MAX_UNITS + " units per scenario: " + unit);
        }
        long base = key(scenario, unit);
        for (int salt = 0; salt < SALTS; salt++) {
            if (KeyGroupRangeAssignment.assignToKeyGroup(base | salt, maxParallelism) == group) {
                return base | salt;
            }
        }
        // (1 - 1/maxParallelism)^65536 odds: at maxParallelism 1024, e^-64
        throw new IllegalStateException("no key of scenario " + scenario + " unit " + unit + " in key group " + group);
    }

    /** The stage's key of unit {@code unit} of scenario {@code scenario}. */
    public long of(int scenario, int unit) {
        return keys[scenario][unit];
    }

    /** An unsalted key: decodes like a balanced one (tests and harnesses, where balance does not matter). */
    public static long key(int scenario, int unit) {
        return ((long) scenario << 40) | ((long) unit << 16);
    }

    public static int scenarioOf(long key) {
        return (int) (key >>> 40);
    }

    public static int unitOf(long key) {
        return (int) ((key >>> 16) & (MAX_UNITS - 1));
    }
}
