package io.cmbench.cli;

import io.cmbench.model.SloSearch;
import io.cmbench.model.capacity.CapacityBracket;
import io.cmbench.model.capacity.PoolSplit;
import io.cmbench.model.capacity.SloBounds;
import io.cmbench.model.capacity.WorkloadShape;
import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.SpecLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code cmbench plan}'s model half: every split of an NPU budget into prefill and decode instances from a menu of
 * instance sizes ({@link #PREFILL_SIZES}, {@link #DECODE_SIZES}; each instance's expert placement as
 * {@link io.cmbench.model.capacity.SplitDeployment} derives it) and decode batch caps (the base deployment's, and the
 * largest batch meeting the TPOT bound when HBM holds more), ranked by the cost model's capacity bracket. A pool's
 * rate is its instances × one instance's rate, so each (size, cap) is costed once and the counts are enumerated.
 */
final class SplitMenu {

    /** Prefill instance sizes in NPUs (the paper's is 16: EP32 over 32 dies). */
    static final int[] PREFILL_SIZES = {8, 16, 32};
    /** Decode instance sizes in NPUs (the paper's is 160: EP320; 144: EP288; below 128 NPUs experts share dies). */
    static final int[] DECODE_SIZES = {32, 64, 128, 144, 160, 192};

    /** One split the model ranks. */
    record Option(PoolSplit split, int batchCapPerNpu, double modelRequestsPerSec, String bottleneck) {
        double prefillShare() {
            return (double) split.prefillNpus() / split.npus();
        }
    }

    /** A menu entry that cannot run, and why (e.g. the weights do not fit a die). */
    record Refused(String what, String why) {}

    record Ranking(List<Option> options, List<Refused> refused) {}

    static Ranking rank(String base, int budgetNpus, String calibration, WorkloadShape shape, SloBounds bounds, Path scratch) {
        Deployment b = SpecLoader.deployment(base);
        int baseCap = b.decode().batchCapPerNpu();
        List<Refused> refused = new ArrayList<>();
        Map<Integer, Double> prefillRate = new LinkedHashMap<>();   // one instance of a size
        for (int p : PREFILL_SIZES) {
            try {
                PoolSplit one = new PoolSplit(1, p, 1, b.decode().npusPerInstance());
                prefillRate.put(p, CapacityTarget.of(base, one, 0, calibration, shape, bounds, scratch, "menu-p" + p + ".yaml")
                        .bracket().prefillRequestsPerSec());
            } catch (RuntimeException e) {
                refused.add(new Refused("prefill instance of " + p + " NPUs", withoutDir(e.getMessage(), scratch)));
            }
        }
        record Decode(int size, int cap, double rate) {}
        List<Decode> decodes = new ArrayList<>();
        for (int d : DECODE_SIZES) {
            try {
                PoolSplit one = new PoolSplit(1, b.prefill().npusPerInstance(), 1, d);
                CapacityTarget t = CapacityTarget.of(base, one, 0, calibration, shape, bounds, scratch, "menu-d" + d + ".yaml");
                decodes.add(new Decode(d, baseCap, t.bracket().decodeRequestsPerSec()));
                int sloBatch = SloSearch.maxBatchFixed(t.costModel(), bounds.tpotBoundMicros() / 1e3,
                        (int) Math.round(shape.meanPromptTokens()), (int) Math.round(shape.meanOutputTokens())).batchPerNpu();
                if (sloBatch > baseCap) {
                    CapacityTarget bigger = CapacityTarget.of(base, one, sloBatch, calibration, shape, bounds, scratch,
                            "menu-d" + d + ".yaml");
                    decodes.add(new Decode(d, sloBatch, bigger.bracket().decodeRequestsPerSec()));
                }
            } catch (RuntimeException e) {
                refused.add(new Refused("decode instance of " + d + " NPUs", withoutDir(e.getMessage(), scratch)));
            }
        }
        List<Option> options = new ArrayList<>();
        for (Map.Entry<Integer, Double> pe : prefillRate.entrySet()) {
            int p = pe.getKey();
            for (Decode d : decodes) {
                for (int np = 1; np * p + d.size() <= budgetNpus; np++) {
                    int nd = (budgetNpus - np * p) / d.size();
                    double pr = np * pe.getValue();
                    double dr = nd * d.rate();
                    if (pr <= 0 || dr <= 0) continue;
                    options.add(new Option(new PoolSplit(np, p, nd, d.size()), d.cap(), Math.min(pr, dr),
                            pr <= dr ? CapacityBracket.PREFILL : CapacityBracket.DECODE));
                }
            }
        }
        // best rate first; among equals the fewer NPUs, then the label (a total order: the same ranking every time)
        options.sort(Comparator.comparingDouble(Option::modelRequestsPerSec).reversed()
                .thenComparingInt(o -> o.split().npus()).thenComparing(o -> o.split().label())
                .thenComparingInt(Option::batchCapPerNpu));
        return new Ranking(List.copyOf(options), List.copyOf(refused));
    }

    /** A reason without the scratch directory's path (temporary: the same plan gives the same JSON). */
    static String withoutDir(String message, Path dir) {
        return String.valueOf(message).replace(dir.toAbsolutePath() + java.io.File.separator, "").replace(dir + java.io.File.separator, "");
    }

    /** E.g. {@code 6x16+1x160 b96}. */
    static String label(PoolSplit s, int cap) {
        return String.format(Locale.ROOT, "%s b%d", s.label(), cap);
    }
}
