package io.cmbench.jobs.emulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Admission through the heap of dies picks the die the scan over all dies picks, admission after admission. */
class LeastLoadedDiesTest {

    /** The scan admission used before the heap: the reference. */
    static int scan(DecodeEngine eng, long perDieCap, long reserve, long kvCapacity) {
        int best = -1;
        for (int d = 0; d < eng.seqs.length; d++) {
            if (eng.seqs[d] >= perDieCap || eng.reserved[d] + reserve > kvCapacity) {
                continue;
            }
            if (best < 0 || eng.seqs[d] < eng.seqs[best]
                    || (eng.seqs[d] == eng.seqs[best] && eng.reserved[d] < eng.reserved[best])) {
                best = d;
            }
        }
        return best;
    }

    @Test
    void picksWhatTheScanPicksIncludingWhenKvOrTheCapBinds() {
        SplittableRandom rnd = new SplittableRandom(3);
        int checked = 0;
        int kvBound = 0;
        int full = 0;
        for (int round = 0; round < 300; round++) {
            int dies = 1 + rnd.nextInt(40);
            long perDieCap = 1 + rnd.nextInt(8);
            long kvCapacity = 10_000 + rnd.nextInt(30_000);
            DecodeEngine eng = DecodeEngine.create(dies);
            for (int d = 0; d < dies; d++) {
                eng.seqs[d] = rnd.nextInt((int) perDieCap + 1);
                eng.reserved[d] = eng.seqs[d] == 0 ? 0 : rnd.nextLong(kvCapacity);
            }
            LeastLoadedDies least = new LeastLoadedDies(eng.seqs, eng.reserved);
            while (true) {
                long reserve = 1 + rnd.nextLong(8_000);
                int expected = scan(eng, perDieCap, reserve, kvCapacity);
                int top = least.least();
                if (eng.seqs[top] < perDieCap && eng.reserved[top] + reserve > kvCapacity) {
                    kvBound++;
                }
                assertThat(DecodePoolFunction.chooseDie(eng, least, perDieCap, reserve, kvCapacity)).isEqualTo(expected);
                checked++;
                if (expected < 0) {
                    full++;
                    break;
                }
                eng.seqs[expected]++;
                eng.reserved[expected] += reserve;
                least.loadIncreased(expected);
            }
        }
        assertThat(checked).isGreaterThan(1000);
        assertThat(kvBound).as("cases where the least loaded die lacked KV").isGreaterThan(50);
        assertThat(full).isEqualTo(300);
    }
}
