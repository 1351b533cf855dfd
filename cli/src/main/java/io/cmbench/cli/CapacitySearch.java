package io.cmbench.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.SloSpec;
import io.cmbench.model.capacity.CapacityBracket;
import io.cmbench.model.capacity.SloBounds;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The measured half of {@code cmbench capacity}: pipeline runs in full mode (prefill, KV transfer, decode) probe
 * candidate rates around the cost model's bracket, and the answer is the highest probed rate whose steady-state
 * attainment meets the target.
 *
 * <p><b>Several rates in one run.</b> A run generates Poisson traffic at the highest probed rate Λ; probe k is a
 * scenario serving the share r_k / Λ of its requests ({@code trafficShare}: a nested, seeded thinning by request
 * id), which is Poisson traffic at r_k. So one run measures every rate of a stage on one traffic, as the sweep
 * measures batch caps. Stages: a coarse grid around the bracket; then, between the highest rate that met the target
 * and the lowest above it that did not, a finer grid; a stage that finds no crossing moves the grid down or up.
 */
final class CapacitySearch {

    /** Stage 1: rates as multiples of the model's bracket. */
    static final double[] COARSE = {0.7, 0.85, 0.95, 1.0, 1.05, 1.15};
    /** Interior points of a refinement between a passing and a failing rate. */
    static final int FINE_POINTS = 4;
    /** A crossing closer than this (relative) is not refined further. */
    static final double RESOLUTION = 0.015;
    static final int MAX_STAGES = 3;

    /** What one search needs. {@code workloadYaml}: null for fixed lengths, else the workload's YAML text. */
    record Setup(String scenarioPrefix, String profile, String model, String deployment, int batchCapPerNpu,
                 String calibration, int promptTokens, int outputTokens, String workloadYaml, SloSpec slo,
                 SloBounds bounds, CapacityBracket bracket, double lifetimeSeconds, long seed, int parallelism,
                 boolean perRequest) {}

    /** {@code measuredBottleneck} null when no probe above the answer missed; {@code bottleneckWhy} says what missed. */
    record Result(List<CapacityProbe> probes, CapacityProbe answer, String measuredBottleneck, String bottleneckWhy) {}

    private final Setup setup;
    private final Path outDir;
    private final PrintStream out;

    CapacitySearch(Setup setup, Path outDir, PrintStream out) {
        this.setup = setup;
        this.outDir = outDir;
        this.out = out;
    }

    Result run() throws Exception {
        double center = setup.bracket().requestsPerSec();
        List<Double> rates = new ArrayList<>();
        for (double f : COARSE) rates.add(round(center * f));
        List<CapacityProbe> probes = new ArrayList<>();
        for (int stage = 1; stage <= MAX_STAGES && !rates.isEmpty(); stage++) {
            probes.addAll(stage(stage, rates));
            rates = nextRates(probes);
        }
        probes.sort(java.util.Comparator.comparingDouble(CapacityProbe::requestsPerSec));
        CapacityProbe answer = null;
        for (CapacityProbe p : probes) {
            if (p.meetsTarget()) answer = p;
        }
        return result(List.copyOf(probes), answer);
    }

    /** The rates of the next stage, or none when the crossing is resolved. */
    static List<Double> nextRates(List<CapacityProbe> probes) {
        TreeSet<Double> done = new TreeSet<>();
        probes.forEach(p -> done.add(p.requestsPerSec()));
        double pass = -1;
        for (CapacityProbe p : probes) {
            if (p.meetsTarget()) pass = Math.max(pass, p.requestsPerSec());
        }
        List<Double> next = new ArrayList<>();
        if (pass < 0) {                              // nothing met the target: look further down
            double low = done.first();
            for (double f : new double[] {0.1, 0.25, 0.4, 0.55, 0.7, 0.85}) next.add(round(low * f));
            return next;
        }
        final double passRate = pass;
        Double fail = probes.stream().filter(p -> !p.meetsTarget() && p.requestsPerSec() > passRate)
                .map(CapacityProbe::requestsPerSec).min(Double::compare).orElse(null);
        if (fail == null) {                          // everything met it: look further up
            for (double f : new double[] {1.15, 1.3, 1.5, 1.75, 2.0}) next.add(round(pass * f));
            return next;
        }
        if (fail / pass - 1 <= RESOLUTION) return next;
        for (int i = 1; i <= FINE_POINTS; i++) {
            double r = round(pass + (fail - pass) * i / (FINE_POINTS + 1));
            if (!done.contains(r)) next.add(r);
        }
        return next;
    }

    /** Rates to 0.01 request/s, so scenario names and shares are exact and repeatable. */
    static double round(double rate) {
        return Math.max(0.01, Math.round(rate * 100) / 100.0);
    }

    /** Which stage fails first above the answer, and how it showed. */
    private Result result(List<CapacityProbe> probes, CapacityProbe answer) {
        double above = answer == null ? -1 : answer.requestsPerSec();
        for (CapacityProbe p : probes) {
            if (p.requestsPerSec() > above && !p.meetsTarget()) {
                String where = String.format(Locale.ROOT, "measured: at %.2f req/s ", p.requestsPerSec());
                if (p.attainment() >= setup.bounds().attainment()) {   // bounds met, completions falling behind
                    return new Result(probes, answer, setup.bracket().bottleneck(), where + "completions fall behind the"
                            + " offered rate with the bounds still met; the model's slower pool");
                }
                if (p.tpotAttainment() < setup.bounds().attainment()) {
                    return new Result(probes, answer, CapacityBracket.DECODE, where + "the TPOT bound misses");
                }
                // TTFT misses: the prefill pool's queue, unless the KV transfer alone eats the bound
                return new Result(probes, answer, setup.bracket().kvTransferMicros() >= setup.bounds().ttftBoundMicros()
                        ? CapacityBracket.KV_TRANSFER : CapacityBracket.PREFILL, where + "the TTFT bound misses");
            }
        }
        return new Result(probes, answer, null, null);   // nothing failed above the answer: the limit was not reached
    }

    private List<CapacityProbe> stage(int stage, List<Double> rates) throws Exception {
        double top = rates.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        Path dir = outDir.resolve("stage-" + stage);
        Files.createDirectories(dir);
        Path scenarios = writeScenarios(dir, rates, top);
        Timing timing = Timing.of(setup.lifetimeSeconds());
        String workload = setup.workloadYaml() == null ? null : writeWorkload(dir, top, timing.durationSeconds()).toString();
        SloSpec tpotOnly = SloSpec.parse(String.format(Locale.ROOT, "tpot%s", plain(setup.slo().tpotBoundMicros() / 1e3)));
        out.printf(Locale.ROOT, "capacity: stage %d: %d rate(s) %s req/s in one run (traffic %.2f req/s for %.0f simulated s,"
                        + " window %.0f s)%n", stage, rates.size(), rates, top, timing.durationSeconds(), timing.windowSeconds());
        RunConfig cfg = new RunConfig(setup.seed(), timing.durationSeconds(), top, setup.promptTokens(),
                setup.outputTokens(), workload, setup.parallelism(), dir, timing.windowSeconds(),
                List.of(setup.slo(), tpotOnly), timing.warmupWindows(), RunConfig.DRAIN_AUTO, 0, null, new Properties(),
                List.of(), EmulationMode.FULL, true)
                .withScenarios(scenarios.toString()).withCalibration(setup.calibration()).withPerRequestOutput(setup.perRequest());
        EmbeddedRun.Result r = new EmbeddedRun(cfg, new PrintStream(PrintStream.nullOutputStream())).run();
        List<CapacityProbe> probes = new ArrayList<>();
        for (double rate : rates) {
            String name = scenarioName(rate);
            RunSummary s = r.summaries().stream().filter(x -> x.scenario().equals(name)).findFirst().orElse(null);
            if (s == null) {
                throw new IllegalStateException("scenario " + name + " produced no windows (see " + dir + ")");
            }
            RunSummary.Slo slo = s.slos().get(setup.slo().name());
            RunSummary.Slo tpot = s.slos().get(tpotOnly.name());
            double seconds = (s.steadyEndMicros() - s.steadyStartMicros()) / 1e6;
            int npus = s.decodeNpus() + s.prefillNpus();
            // A rate the pools cannot keep up with is not held, however its first minutes look: when the TTFT/TPOT
            // bounds leave slack, a slowly growing queue would pass them for longer than any run lasts.
            long[] late = lateCompletions(r.windows(), s, cfg.windowMicros());
            double lateRate = late[0] / (late[1] / 1e6);
            boolean keepsUp = lateRate >= rate * (1 - CapacityProbe.keepUpTolerance(late[0]));
            CapacityProbe p = new CapacityProbe(stage, rate, slo.attainment(), tpot.attainment(),
                    keepsUp && slo.attainment() >= setup.bounds().attainment(), s.completedRequests() / seconds,
                    lateRate, keepsUp,
                    s.outputTokens() / seconds / npus, slo.goodOutputTokens() / seconds / npus,
                    slo.goodputTokensPerSecPerNpu(), s.ttft(), s.tpot());
            out.printf(Locale.ROOT, "capacity:   %9.2f req/s  attainment %5.1f %%  completing %9.2f req/s  %s%n", rate,
                    100 * p.attainment(), lateRate, p.meetsTarget() ? "meets the target"
                            : p.attainment() >= setup.bounds().attainment() ? "misses: does not keep up" : "misses");
            probes.add(p);
        }
        return probes;
    }

    /**
     * Completions and span (µs) of the second half of a scenario's steady state, by time: windows without a
     * completion are absent from the results (an overloaded prefill pool finishes a huge batch every few windows),
     * so halving the list of windows would not halve the time.
     */
    static long[] lateCompletions(List<io.cmbench.schemas.SloWindow> windows, RunSummary s, long windowMicros) {
        long windowsInSteady = Math.round((double) (s.steadyEndMicros() - s.steadyStartMicros()) / windowMicros);
        long lateStart = s.steadyStartMicros() + (windowsInSteady / 2) * windowMicros;
        long n = windows.stream()
                .filter(w -> w.getScenario().equals(s.scenario()) && w.getWindowStartMicros() >= lateStart
                        && w.getWindowEndMicros() <= s.steadyEndMicros())
                .mapToLong(io.cmbench.schemas.SloWindow::getCompletedRequests).sum();
        return new long[] {n, s.steadyEndMicros() - lateStart};
    }

    String scenarioName(double rate) {
        return String.format(Locale.ROOT, "%s%010.2f", setup.scenarioPrefix(), rate);
    }

    private Path writeScenarios(Path dir, List<Double> rates, double top) throws IOException {
        StringBuilder y = new StringBuilder("# written by cmbench capacity: one scenario per probed rate, each serving its\n"
                + "# share of the run's traffic (trafficShare = rate / the traffic's rate)\nscenarios:\n");
        for (double rate : rates) {
            y.append("  - name: ").append(scenarioName(rate)).append('\n')
                    .append("    profile: ").append(setup.profile()).append('\n')
                    .append("    model: ").append(setup.model()).append('\n')
                    .append("    deployment: ").append(setup.deployment()).append('\n')
                    .append("    decodeBatchCapPerNpu: ").append(setup.batchCapPerNpu()).append('\n')
                    .append("    trafficShare: ").append(Math.min(1.0, rate / top)).append('\n');
        }
        Path f = dir.resolve("probes.yaml");
        Files.writeString(f, y);
        return f;
    }

    /** The workload at the traffic's rate and the stage's duration (its classes and prefix reuse as they are). */
    private Path writeWorkload(Path dir, double rate, double durationSeconds) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        ObjectNode root = (ObjectNode) yaml.readTree(setup.workloadYaml());
        ((ObjectNode) root.get("arrival")).put("rate", rate);
        root.put("durationSeconds", durationSeconds);
        root.remove("maxRequests");
        Path f = dir.resolve("probe-workload.yaml");
        Files.writeString(f, yaml.writeValueAsString(root));
        return f;
    }

    private static String plain(double ms) {
        return java.math.BigDecimal.valueOf(ms).stripTrailingZeros().toPlainString();
    }

    /**
     * A stage's simulated span from a request's lifetime L (TTFT + its decode at the bound's pace): windows of L/2,
     * warm-up of 2.5 L (the decode pool filling: each admitted sequence slows every step, so near its cap the pool
     * approaches its occupancy slowly — measured at 1,024/1,024 and batch 154, completions caught up with arrivals only
     * after about 2.5 L; keeping up is judged on the steady state's second half), then a steady state of 2.5 L but at least 60 s, so a rate a few
     * percent above the prefill pool's capacity has built the queue that shows in TTFT.
     */
    record Timing(double windowSeconds, int warmupWindows, double durationSeconds) {
        static Timing of(double lifetimeSeconds) {
            double window = Math.max(1, Math.round(lifetimeSeconds / 2));
            int warmup = (int) Math.ceil(2.5 * lifetimeSeconds / window);
            double steady = Math.max(60, 2.5 * lifetimeSeconds);
            return new Timing(window, warmup, warmup * window + Math.ceil(steady / window) * window);
        }
    }
}
