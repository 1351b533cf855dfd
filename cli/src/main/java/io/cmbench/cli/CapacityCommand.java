package io.cmbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cmbench.model.capacity.PoolSplit;
import io.cmbench.model.spec.SpecLoader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cmbench capacity}: the highest request rate one disaggregated deployment holds under a TTFT + TPOT SLO, for a
 * workload — bracketed by the cost model, measured by pipeline runs in full mode (docs/CAPACITY.md).
 */
@Command(name = "capacity", mixinStandardHelpOptions = true,
        description = {"Find the highest request rate a deployment holds under a TTFT + TPOT SLO.",
                "The cost model brackets the rate; full-mode pipeline runs measure candidate rates (several per run) and"
                        + " the answer is the highest whose steady-state attainment meets the target. docs/CAPACITY.md."})
final class CapacityCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Mixin
    CapacityOptions common;

    @Option(names = "--deployment", paramLabel = "NAME|FILE", defaultValue = "cloudmatrix-infer",
            description = "The deployment, or the base that --prefill-npus/--decode-npus re-cut (default: ${DEFAULT-VALUE}).")
    String deployment;

    @Option(names = "--prefill-npus", paramLabel = "N", description = "Prefill pool size (default: the deployment's).")
    Integer prefillNpus;

    @Option(names = "--decode-npus", paramLabel = "N", description = "Decode pool size (default: the deployment's).")
    Integer decodeNpus;

    @Option(names = "--prefill-instances", paramLabel = "N",
            description = "Prefill instances (default: the deployment's instance size when it divides the pool, otherwise"
                    + " the fewest equal instances no larger than it).")
    Integer prefillInstances;

    @Option(names = "--decode-instances", paramLabel = "N",
            description = "Decode instances (default: as for --prefill-instances; 288 NPUs on the paper's base: 2 x 144).")
    Integer decodeInstances;

    @Option(names = "--batch-per-npu", paramLabel = "N", defaultValue = "0",
            description = "Decode batch cap per NPU (default: the deployment's).")
    int batchPerNpu;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/capacity-<timestamp>).")
    Path out;

    @Override
    public Integer call() throws Exception {
        CapacityOptions.Checked c = common.check(spec);
        Options.require(spec, batchPerNpu >= 0, "--batch-per-npu", batchPerNpu, "must be >= 0 (0: the deployment's)");
        PoolSplit split = split();
        Path scratch = Files.createTempDirectory("cmbench-capacity");
        CapacityTarget target = common.target(spec, deployment, split, batchPerNpu, c, scratch);
        if (target.bracket().unattainable() != null) {
            deleteTree(scratch);
            throw InputChecks.error(spec, "--slo", "not attainable at any rate on " + target.split().label() + ": "
                    + target.bracket().unattainable(), common.slo);
        }
        try (RunDirectory dir = RunDirectory.claim(out, Path.of("runs"), "capacity-")) {
            System.setProperty(CommandErrors.LOG_FILE_PROPERTY, dir.path().resolve("cmbench.log").toString());
            // the run's own copy of a re-cut deployment, so the directory holds everything it ran
            target = common.target(spec, deployment, split, batchPerNpu, c, dir.path());
            PrintStream say = common.progress();
            Map<String, Object> result = CapacityRun.measure(target, c, common, dir.path(), say);
            JSON.writeValue(dir.path().resolve("capacity.json").toFile(), result);
            Path report = io.cmbench.report.CapacityReport.write(dir.path(), "capacity.json");
            if (common.json) {
                System.out.println(JSON.writeValueAsString(result));
            } else {
                CapacityRun.printTable(System.out, result);
                System.out.printf("%nresults: %s (capacity.json, stage-*/)%nreport:  %s%n", dir.path().toAbsolutePath(),
                        report.toAbsolutePath());
            }
            return result.get("not_attainable") != null ? 2 : 0;
        } finally {
            deleteTree(scratch);
        }
    }

    private PoolSplit split() {
        if (prefillNpus == null && decodeNpus == null && prefillInstances == null && decodeInstances == null) {
            return null;
        }
        io.cmbench.model.spec.Deployment base;
        try {
            base = SpecLoader.deployment(deployment);
        } catch (RuntimeException e) {
            throw InputChecks.error(spec, "--deployment", e.getMessage(), null);
        }
        int p = prefillNpus != null ? prefillNpus : base.prefill().instances() * base.prefill().npusPerInstance();
        int d = decodeNpus != null ? decodeNpus : base.decode().instances() * base.decode().npusPerInstance();
        Options.require(spec, p >= 1, "--prefill-npus", p, "must be >= 1");
        Options.require(spec, d >= 1, "--decode-npus", d, "must be >= 1");
        Options.require(spec, prefillInstances == null || prefillInstances >= 1, "--prefill-instances", prefillInstances, "must be >= 1");
        Options.require(spec, decodeInstances == null || decodeInstances >= 1, "--decode-instances", decodeInstances, "must be >= 1");
        try {
            return PoolSplit.of(base, p, d, prefillInstances == null ? 0 : prefillInstances,
                    decodeInstances == null ? 0 : decodeInstances);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    static void deleteTree(Path p) throws java.io.IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }
}
