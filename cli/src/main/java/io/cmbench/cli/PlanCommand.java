package io.cmbench.cli;

import io.cmbench.model.capacity.PoolSplit;
import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.SpecLoader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cmbench plan}: the best split of an NPU budget into prefill and decode instances for a workload and SLO —
 * every split of a menu ranked by the cost model, the best few and the paper's own split verified by capacity searches
 * (docs/CAPACITY.md).
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Recommend a split of an NPU budget into prefill and decode instances under a TTFT + TPOT SLO.",
                "The cost model ranks every split of a menu of instance sizes and batch caps; capacity searches verify the"
                        + " best few and the base deployment's own split. docs/CAPACITY.md."})
final class PlanCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CapacityOptions common;

    @Option(names = "--npus", paramLabel = "N", defaultValue = "384",
            description = "The NPU budget, at most one supernode (default: ${DEFAULT-VALUE}).")
    int npus;

    @Option(names = "--deployment", paramLabel = "NAME|FILE", defaultValue = "cloudmatrix-infer",
            description = "The base deployment whose instances are re-cut, and whose own split is verified for comparison"
                    + " (default: ${DEFAULT-VALUE}).")
    String deployment;

    @Option(names = "--verify", paramLabel = "N", defaultValue = "1",
            description = "How many of the model's best splits capacity searches verify (default: ${DEFAULT-VALUE}).")
    int verify;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/plan-<timestamp>).")
    Path out;

    @Override
    public Integer call() throws Exception {
        CapacityOptions.Checked c = common.check(spec);
        Options.require(spec, verify >= 1 && verify <= 5, "--verify", verify, "must be between 1 and 5");
        Deployment base;
        try {
            base = SpecLoader.deployment(deployment);
        } catch (RuntimeException e) {
            throw InputChecks.error(spec, "--deployment", e.getMessage(), null);
        }
        CapacityOptions.oneSupernode(spec, deployment, base.supernodes());
        int supernode = SpecLoader.profile(CapacityTarget.PROFILE).npusPerNode() * SpecLoader.profile(CapacityTarget.PROFILE).nodes();
        Options.require(spec, npus <= supernode, "--npus", npus, "must be at most one supernode's " + supernode
                + " NPUs (a deployment spans one supernode)");
        int smallest = SplitMenu.PREFILL_SIZES[0] + SplitMenu.DECODE_SIZES[0];
        Options.require(spec, npus >= smallest, "--npus", npus, "is too small for one prefill and one decode instance"
                + " of the menu (" + SplitMenu.PREFILL_SIZES[0] + " + " + SplitMenu.DECODE_SIZES[0] + " NPUs)");
        Path scratch = Files.createTempDirectory("cmbench-plan");
        try (RunDirectory dir = RunDirectory.claim(out, Path.of("runs"), "plan-")) {
            System.setProperty(CommandErrors.LOG_FILE_PROPERTY, dir.path().resolve("cmbench.log").toString());
            PrintStream say = common.progress();
            SplitMenu.Ranking ranking = SplitMenu.rank(deployment, npus, common.calibration, c.shape(), c.bounds(), scratch);
            if (ranking.options().isEmpty()) {
                throw InputChecks.error(spec, "--npus", "no split of the menu meets " + c.slo().name() + " at any rate"
                        + ranking.refused().stream().map(r -> "; " + r.what() + ": " + r.why()).reduce("", String::concat), npus);
            }
            say.printf(Locale.ROOT, "plan: %d NPUs, %s at attainment %.2f: %d splits ranked by the cost model, %d refused%n",
                    npus, c.slo().name(), c.bounds().attainment(), ranking.options().size(), ranking.refused().size());
            List<Candidate> todo = candidates(ranking, PoolSplit.of(base), base.decode().batchCapPerNpu());
            List<Map<String, Object>> verified = new ArrayList<>();
            for (int i = 0; i < todo.size(); i++) {
                Candidate k = todo.get(i);
                say.printf(Locale.ROOT, "plan: verifying %d/%d: %s (%s)%n", i + 1, todo.size(),
                        SplitMenu.label(k.split(), k.cap()), k.role());
                Path sub = dir.path().resolve("candidate-" + (i + 1));
                Files.createDirectories(sub);
                CapacityTarget t = common.target(spec, deployment, k.split(), k.cap(), c, sub);
                Map<String, Object> r = CapacityRun.measure(t, c, common, sub, say);
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("role", k.role());
                v.put("prefill_share", (double) k.split().prefillNpus() / k.split().npus());
                v.putAll(r);
                double goodputPerNpu = r.get("goodput_tokens_per_s_per_npu") == null ? 0 : (double) r.get("goodput_tokens_per_s_per_npu");
                v.put("goodput_tokens_per_s_per_budget_npu", goodputPerNpu * k.split().npus() / npus);
                verified.add(v);
            }
            Map<String, Object> result = result(c, ranking, verified);
            CapacityCommand.JSON.writeValue(dir.path().resolve("plan.json").toFile(), result);
            Path report = io.cmbench.report.CapacityReport.write(dir.path(), "plan.json");
            if (common.json) {
                System.out.println(CapacityCommand.JSON.writeValueAsString(result));
            } else {
                printTable(System.out, result);
                System.out.printf("%nresults: %s (plan.json, candidate-*/)%nreport:  %s%n", dir.path().toAbsolutePath(),
                        report.toAbsolutePath());
            }
            return 0;
        } finally {
            CapacityCommand.deleteTree(scratch);
        }
    }

    record Candidate(PoolSplit split, int cap, String role) {}

    /** The model's best {@code verify} splits, then the base deployment's own split (if not among them). */
    private List<Candidate> candidates(SplitMenu.Ranking ranking, PoolSplit baseSplit, int baseCap) {
        List<Candidate> out = new ArrayList<>();
        for (SplitMenu.Option o : ranking.options()) {
            if (out.size() == verify) break;
            out.add(new Candidate(o.split(), o.batchCapPerNpu(), out.isEmpty() ? "model's best" : "runner-up"));
        }
        boolean baseListed = out.stream().anyMatch(k -> k.split().equals(baseSplit) && k.cap() == baseCap);
        if (!baseListed && baseSplit.npus() <= npus) {
            out.add(new Candidate(baseSplit, baseCap, "the base deployment's split"));
        }
        return out;
    }

    private Map<String, Object> result(CapacityOptions.Checked c, SplitMenu.Ranking ranking, List<Map<String, Object>> verified) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("budget_npus", npus);
        r.put("deployment", deployment);
        r.put("slo", c.slo().name());
        r.put("attainment_target", c.bounds().attainment());
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("workload", c.workloadLabel());
        w.put("mean_prompt_tokens", c.shape().meanPromptTokens());
        w.put("mean_output_tokens", c.shape().meanOutputTokens());
        r.put("workload", w);
        r.put("seed", common.seed);
        r.put("calibration", common.calibration);
        Map<String, Object> menu = new LinkedHashMap<>();
        menu.put("prefill_instance_npus", SplitMenu.PREFILL_SIZES);
        menu.put("decode_instance_npus", SplitMenu.DECODE_SIZES);
        menu.put("refused", ranking.refused().stream().map(x -> x.what() + ": " + x.why()).toList());
        r.put("menu", menu);
        // the recommendation: the verified split with the most goodput from the budget
        Map<String, Object> best = null;
        for (Map<String, Object> v : verified) {
            if (best == null || (double) v.get("goodput_tokens_per_s_per_budget_npu") > (double) best.get("goodput_tokens_per_s_per_budget_npu")) {
                best = v;
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> split = (Map<String, Object>) best.get("split");
        r.put("recommended", split.get("label"));
        r.put("recommended_batch_cap_per_npu", split.get("decode_batch_cap_per_npu"));
        r.put("max_requests_per_s", best.get("max_requests_per_s"));
        r.put("goodput_tokens_per_s_per_npu", best.get("goodput_tokens_per_s_per_npu"));
        r.put("goodput_tokens_per_s_per_budget_npu", best.get("goodput_tokens_per_s_per_budget_npu"));
        List<Map<String, Object>> top = new ArrayList<>();
        for (SplitMenu.Option o : ranking.options().subList(0, Math.min(40, ranking.options().size()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", o.split().label());
            m.put("decode_batch_cap_per_npu", o.batchCapPerNpu());
            m.put("npus", o.split().npus());
            m.put("prefill_share", o.prefillShare());
            m.put("model_requests_per_s", o.modelRequestsPerSec());
            m.put("model_goodput_tokens_per_s_per_npu", o.modelRequestsPerSec() * c.shape().meanOutputTokens() / o.split().npus());
            m.put("bottleneck", o.bottleneck());
            top.add(m);
        }
        r.put("model_ranking", top);
        r.put("candidates", verified);
        return r;
    }

    @SuppressWarnings("unchecked")
    private static void printTable(PrintStream o, Map<String, Object> r) {
        o.println();
        o.printf("%-26s %-30s %6s %10s %12s %14s %14s %12s%n", "split", "role", "NPUs", "model r/s", "measured r/s",
                "goodput/NPU", "per budget NPU", "bottleneck");
        for (Map<String, Object> v : (List<Map<String, Object>>) r.get("candidates")) {
            Map<String, Object> s = (Map<String, Object>) v.get("split");
            Map<String, Object> m = (Map<String, Object>) v.get("model");
            o.printf(Locale.ROOT, "%-26s %-30s %6d %10.2f %12.2f %14.1f %14.1f %12s%n",
                    s.get("label") + " b" + s.get("decode_batch_cap_per_npu"), v.get("role"), v.get("npus"),
                    m.get("max_requests_per_s"), v.get("max_requests_per_s"),
                    v.get("goodput_tokens_per_s_per_npu") == null ? 0.0 : v.get("goodput_tokens_per_s_per_npu"),
                    v.get("goodput_tokens_per_s_per_budget_npu"), v.get("bottleneck"));
        }
        o.printf(Locale.ROOT, "%nrecommended: %s (decode batch cap %s/NPU): %.2f requests/s, goodput %.1f tok/s per NPU"
                        + " (%.1f per NPU of the %s-NPU budget)%n", r.get("recommended"), r.get("recommended_batch_cap_per_npu"),
                r.get("max_requests_per_s"), r.get("goodput_tokens_per_s_per_npu"), r.get("goodput_tokens_per_s_per_budget_npu"),
                r.get("budget_npus"));
    }
}
