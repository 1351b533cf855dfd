package io.cmbench.model.capacity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.HardwareProfile;
import io.cmbench.model.spec.ModelSpec;
import io.cmbench.model.spec.SpecLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A base deployment re-cut into another {@link PoolSplit}, written as a deployment file (so a run, a report and a
 * user all read the same thing). Everything but the pools' sizes is the base's; each instance's expert placement
 * follows from its dies (one expert-parallel rank per die, as in the paper):
 *
 * <ul>
 *   <li>an instance of the base's size keeps the base's placement;</li>
 *   <li>decode, more dies than routed experts: one expert per die, the spare dies split between redundant routed
 *       experts and dedicated shared-expert copies (the paper's 320 dies: 256 + 32 + 32; 288 dies: 256 + 16 + 16);</li>
 *   <li>otherwise (prefill always, decode with at most as many dies as routed experts): the shared expert on every
 *       die and the fewest redundant experts that make routed + redundant a multiple of the dies (the base's count
 *       when it already is).</li>
 * </ul>
 * The prefill attention TP degree is the base's if it divides the dies, else the largest of 4, 2, 1 that does.
 */
public final class SplitDeployment {
    private SplitDeployment() {}

    private static final YAMLMapper YAML = new YAMLMapper();

    /** Writes {@code base} re-cut to {@code split} as {@code dir/file} and returns its path. */
    public static Path write(String base, PoolSplit split, HardwareProfile hw, ModelSpec m, Path dir, String file) {
        Deployment b = SpecLoader.deployment(base);
        try {
            ObjectNode root = (ObjectNode) YAML.readTree(SpecLoader.deploymentText(base));
            root.put("name", b.name() + "-" + split.label());
            root.put("description", b.name() + " re-cut: prefill " + split.prefillInstances() + " x "
                    + split.prefillNpusPerInstance() + " NPUs, decode " + split.decodeInstances() + " x "
                    + split.decodeNpusPerInstance() + " NPUs (cmbench capacity/plan)");
            decode((ObjectNode) root.get("decode"), b, split, hw, m);
            prefill((ObjectNode) root.get("prefill"), b, split, hw, m);
            Files.createDirectories(dir);
            Path out = dir.resolve(file);
            Files.writeString(out, YAML.writeValueAsString(root));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the deployment for split " + split.label() + ": " + e.getMessage(), e);
        }
    }

    private static void decode(ObjectNode d, Deployment b, PoolSplit split, HardwareProfile hw, ModelSpec m) {
        d.put("instances", split.decodeInstances());
        if (split.decodeNpusPerInstance() == b.decode().npusPerInstance()) return;
        int dies = split.decodeNpusPerInstance() * hw.diesPerNpu();
        d.put("npus_per_instance", split.decodeNpusPerInstance());
        d.put("expert_parallel", dies);
        int routed = m.routedExperts();
        if (dies > routed && m.sharedExperts() > 0) {
            int spare = dies - routed;
            int redundant = spare / 2;
            d.put("redundant_experts", redundant);
            d.put("shared_expert_copies", (spare - redundant) / m.sharedExperts());
            d.put("shared_expert_placement", "dedicated");
        } else {
            d.put("redundant_experts", redundantFor(routed, b.decode().redundantExperts(), dies));
            d.put("shared_expert_copies", dies);
            d.put("shared_expert_placement", "replicated");
        }
    }

    private static void prefill(ObjectNode p, Deployment b, PoolSplit split, HardwareProfile hw, ModelSpec m) {
        p.put("instances", split.prefillInstances());
        if (split.prefillNpusPerInstance() == b.prefill().npusPerInstance()) return;
        int dies = split.prefillNpusPerInstance() * hw.diesPerNpu();
        p.put("npus_per_instance", split.prefillNpusPerInstance());
        p.put("expert_parallel", dies);
        p.put("redundant_experts", redundantFor(m.routedExperts(), b.prefill().redundantExperts(), dies));
        int tp = b.prefill().attentionTp();
        if (dies % tp != 0 || m.heads() % tp != 0) {
            tp = 1;
            for (int t : new int[] {4, 2}) {
                if (dies % t == 0 && m.heads() % t == 0) {
                    tp = t;
                    break;
                }
            }
        }
        p.put("attention_tp", "dp".equals(b.prefill().attentionParallelism()) ? 1 : tp);
    }

    /** The base's redundant experts if routed + them fill whole dies, else the fewest that do. */
    static int redundantFor(int routed, int baseRedundant, int dies) {
        if ((routed + baseRedundant) % dies == 0) return baseRedundant;
        return (dies - routed % dies) % dies;
    }
}
