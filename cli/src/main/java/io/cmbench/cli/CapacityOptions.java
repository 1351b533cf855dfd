package io.cmbench.cli;

import io.cmbench.jobs.SloSpec;
import io.cmbench.loadgen.ArrivalSpec;
import io.cmbench.loadgen.WorkloadArgument;
import io.cmbench.loadgen.WorkloadSpec;
import io.cmbench.model.capacity.PoolSplit;
import io.cmbench.model.capacity.SloBounds;
import io.cmbench.model.capacity.WorkloadShape;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options {@code capacity} and {@code plan} share: the workload, the SLO and its target, the runs' settings. */
final class CapacityOptions {

    @Option(names = "--workload", paramLabel = "FILE|NAME",
            description = "A workload YAML file or built-in name with Poisson arrivals (its rate is what the search varies);"
                    + " overrides --prompt-tokens and --output-tokens.")
    String workload;

    @Option(names = "--prompt-tokens", paramLabel = "N", defaultValue = "4096", description = "Prompt length (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--output-tokens", paramLabel = "N", defaultValue = "256", description = "Output length (default: ${DEFAULT-VALUE}).")
    int outputTokens;

    @Option(names = "--slo", paramLabel = "SLO", defaultValue = "ttft2000+tpot50",
            description = "The SLO every request is judged by, with both bounds in ms, e.g. ttft2000+tpot50 (default:"
                    + " ${DEFAULT-VALUE}).")
    String slo;

    @Option(names = "--attainment", paramLabel = "FRACTION", defaultValue = "0.9",
            description = "The fraction of requests that must meet the SLO over the steady state, in (0, 1] (default:"
                    + " ${DEFAULT-VALUE}).")
    double attainment;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--calibration", paramLabel = "VARIANT", defaultValue = "calibrated",
            description = "Cost model variant: calibrated or physics (default: ${DEFAULT-VALUE}).")
    String calibration;

    @Option(names = "--json", description = "Print the result as JSON only.")
    boolean json;

    @Option(names = "--per-request",
            description = "Also write each stage's completions.jsonl, one line per request and probed rate.")
    boolean perRequest;

    /** Where progress goes: the terminal, or nowhere when the result is printed as JSON. */
    java.io.PrintStream progress() {
        return json ? new java.io.PrintStream(java.io.PrintStream.nullOutputStream()) : System.out;
    }

    /** What the checks established: the SLO, its bounds, the workload's shape and, for a workload, its YAML. */
    record Checked(SloSpec slo, SloBounds bounds, WorkloadShape shape, String workloadYaml, String workloadLabel,
                   long longestTokens) {}

    Checked check(CommandSpec spec) {
        Options.require(spec, attainment > 0 && attainment <= 1, "--attainment", attainment, "must be in (0, 1]");
        InputChecks.parallelism(spec, parallelism);
        Options.calibration(spec, calibration);
        SloSpec s = Options.slos(spec, List.of(slo)).get(0);
        Options.require(spec, s.ttftBoundMicros() > 0, "--slo", slo,
                "needs both a TTFT and a TPOT bound (e.g. ttft2000+tpot50): without a TTFT bound any rate holds by queueing");
        SloBounds bounds = new SloBounds(s.ttftBoundMicros(), s.tpotBoundMicros(), attainment);
        if (workload == null) {
            Options.require(spec, promptTokens > 0, "--prompt-tokens", promptTokens, "must be > 0");
            Options.require(spec, outputTokens > 1, "--output-tokens", outputTokens, "must be > 1 (TPOT needs two tokens)");
            return new Checked(s, bounds, WorkloadShape.fixed(promptTokens, outputTokens), null, null,
                    (long) promptTokens + outputTokens);
        }
        InputChecks.Workload w = InputChecks.workload(spec, workload, null);
        WorkloadSpec ws = w.spec();
        if (ws.isTraceReplay() || ws.arrival().kind() != ArrivalSpec.Kind.POISSON) {
            throw InputChecks.error(spec, "--workload", "capacity probes rates by thinning one Poisson traffic, so the workload"
                    + " needs Poisson arrivals (this one has " + (ws.isTraceReplay() ? "a trace" : ws.arrival().kind()) + ")", workload);
        }
        if (ws.classes().stream().anyMatch(c -> c.prefix() != null && c.prefix().sessions() != null)) {
            throw InputChecks.error(spec, "--workload", "capacity cannot thin multi-turn sessions (a session's turns would"
                    + " thin too); use shared-prompt prefix reuse or fixed lengths", workload);
        }
        WorkloadShape shape;
        try {
            shape = WorkloadShapes.sample(ws, seed);
        } catch (IllegalArgumentException e) {
            throw InputChecks.error(spec, "--workload", e.getMessage(), workload);
        }
        return new Checked(s, bounds, shape, WorkloadYaml.text(WorkloadArgument.of(workload)), w.label(), w.longestRequestTokens());
    }

    /**
     * Refuses a fleet: capacity and plan size one supernode's pools, and their runs would measure a whole fleet at rates
     * bracketed for one supernode.
     */
    static void oneSupernode(CommandSpec spec, String deployment, int supernodes) {
        if (supernodes > 1) {
            throw InputChecks.error(spec, "--deployment", "a fleet of " + supernodes + " supernodes; capacity and plan "
                    + "size one supernode's pools: give the deployment each supernode runs (the fleet's global router "
                    + "spreads requests evenly over the supernodes, so the fleet holds " + supernodes
                    + " times its rate)", deployment);
        }
    }

    /** The target, refused as one line naming the deployment when it does not build or holds no request. */
    CapacityTarget target(CommandSpec spec, String deployment, PoolSplit split, int batchCap, Checked c, Path dir) {
        CapacityTarget t;
        try {
            t = CapacityTarget.of(deployment, split, batchCap, calibration, c.shape(), c.bounds(), dir,
                    "deployment-" + (split == null ? "base" : split.label()) + ".yaml");
        } catch (RuntimeException e) {
            String where = split == null ? "--deployment" : "--prefill-npus/--decode-npus";
            throw new ParameterException(spec.commandLine(), where + ": " + (split == null ? "" : split.label() + ": ")
                    + e.getMessage());
        }
        oneSupernode(spec, deployment, t.costModel().layout().supernodes());
        long kvCap = t.costModel().layout().kvCacheTokensPerDie();
        if (c.longestTokens() > kvCap) {
            throw InputChecks.error(spec, workload == null ? "--prompt-tokens/--output-tokens" : "--workload",
                    "the longest request's KV (" + c.longestTokens() + " tokens) exceeds what a decode die holds ("
                            + kvCap + " tokens)", c.longestTokens());
        }
        return t;
    }
}
