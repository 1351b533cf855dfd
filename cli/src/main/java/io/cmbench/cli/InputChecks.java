package io.cmbench.cli;

import io.cmbench.jobs.SloSpec;
import io.cmbench.loadgen.ArrivalSpec;
import io.cmbench.loadgen.LengthDistribution;
import io.cmbench.loadgen.RequestClassSpec;
import io.cmbench.loadgen.TextFiles;
import io.cmbench.loadgen.TraceReader;
import io.cmbench.loadgen.TraceRecord;
import io.cmbench.loadgen.WorkloadArgument;
import io.cmbench.loadgen.WorkloadSpec;
import io.cmbench.model.CostModels;
import io.cmbench.model.ScenarioSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Start-up checks of a run's inputs and of the quantities derived from them, so a bad value fails in one line (exit
 * 2) before the broker or any job starts, instead of deep in the pipeline minutes later.
 */
final class InputChecks {
    /** Requests one run may offer (rate x duration): beyond it a run would not finish in any useful time. */
    static final double MAX_REQUESTS = 1e8;
    /** Simulated seconds a run may span: keeps every microsecond timestamp far from long overflow. */
    static final double MAX_SECONDS = 1e9;
    /** The shortest window: the analytics count in microseconds, and a window holds at least one millisecond. */
    static final double MIN_WINDOW_SECONDS = 1e-3;

    private InputChecks() {}

    /** {@code WHERE: why, got 'value'} (no value: no "got"), the launcher's one line for a bad input. */
    static ParameterException error(CommandSpec spec, String where, String why, Object value) {
        return new ParameterException(spec.commandLine(), where + ": " + why + (value == null ? "" : ", got '" + value + "'"));
    }

    /**
     * The most parallel a run may be: the jobs' keyed state has {@link io.cmbench.jobs.JobSettings#MAX_PARALLELISM} key
     * groups, and a run cannot use more slots than that (on this launcher's machines, far fewer already pay).
     */
    static final int MAX_PARALLELISM = 64;

    static {
        if (MAX_PARALLELISM > io.cmbench.jobs.JobSettings.MAX_PARALLELISM) {
            throw new AssertionError("--parallelism above the jobs' max parallelism");
        }
    }

    /** {@code --parallelism}: between 1 and {@link #MAX_PARALLELISM} (never above the jobs' max parallelism). */
    static void parallelism(CommandSpec spec, int parallelism) {
        Options.require(spec, parallelism >= 1 && parallelism <= MAX_PARALLELISM, "--parallelism", parallelism,
                "must be between 1 and " + MAX_PARALLELISM);
    }

    static void duration(CommandSpec spec, double seconds) {
        Options.require(spec, seconds > 0 && Double.isFinite(seconds), "--duration", seconds, "must be > 0");
        Options.require(spec, seconds <= MAX_SECONDS, "--duration", seconds, "must be <= " + (long) MAX_SECONDS + " s");
    }

    static void window(CommandSpec spec, double seconds) {
        Options.require(spec, seconds >= MIN_WINDOW_SECONDS && seconds <= MAX_SECONDS, "--window", seconds,
                "must be between 0.001 (1 ms) and " + (long) MAX_SECONDS + " s");
    }

    static void uniqueSlos(CommandSpec spec, List<SloSpec> slos) {
        Set<String> seen = new HashSet<>();
        for (SloSpec s : slos) {
            if (!seen.add(s.name())) {
                throw error(spec, "--slo", "each SLO once (" + s.name() + " is given twice)", s.name());
            }
        }
    }

    static void requestCount(CommandSpec spec, String where, double requests, Object value) {
        if (!(requests <= MAX_REQUESTS)) {
            throw error(spec, where, String.format("offers %.3g requests (rate x duration), more than a run's bound of"
                    + " %.0e", requests, MAX_REQUESTS), value);
        }
    }

    /** A file the run reads: present, and UTF-8 text (binary input names the file and the line). */
    static void textFile(CommandSpec spec, String option, Path file) {
        if (file == null) {
            return;
        }
        Options.require(spec, Files.isRegularFile(file), option, file, "no such file");
        String why = TextFiles.whyNotText(file);
        if (why != null) {
            throw new ParameterException(spec.commandLine(), option + ": " + why);
        }
    }

    /** What a workload offers, read in full now: its longest request and how many requests it may send. */
    record Workload(WorkloadSpec spec, String label, long longestRequestTokens, double requests) {}

    /**
     * {@code --workload FILE|NAME}: a file or a built-in name, loaded and read in full (a trace too), over
     * {@code durationSeconds} when given (null: the workload's own duration).
     */
    static Workload workload(CommandSpec spec, String value, Double durationSeconds) {
        WorkloadArgument arg = WorkloadArgument.of(value);
        if (arg.unknown()) {
            throw error(spec, "--workload", "no such file, and not a built-in (" + String.join(", ", WorkloadSpec.BUILTIN)
                    + ")", value);
        }
        if (arg.file() != null) {
            textFile(spec, "--workload", arg.file());
        }
        WorkloadSpec w;
        try {
            w = arg.load();
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "--workload: " + named(e, value));
        }
        if (durationSeconds != null) {
            w = w.withDurationMicros(Math.round(durationSeconds * 1e6));
        }
        return offers(spec, "--workload", value, arg.label(), w);
    }

    /**
     * What a workload offers, read in full (a trace line by line) so a bad line or an unbounded stream is refused now:
     * at most {@link #MAX_REQUESTS} requests and {@link #MAX_SECONDS} simulated seconds.
     */
    static Workload offers(CommandSpec spec, String where, Object value, String label, WorkloadSpec w) {
        try {
            if (w.isTraceReplay()) {
                textFile(spec, where, w.trace().file());
                long longest = 0;
                long n = 0;
                try (TraceReader r = w.trace().open()) {
                    while (r.hasNext()) {
                        TraceRecord t = r.next();
                        longest = Math.max(longest, (long) t.promptTokens() + t.outputTokens());
                        n++;
                    }
                }
                requestCount(spec, where, n, value);
                return new Workload(w, label, longest, n);
            }
            ArrivalSpec a = w.arrival();
            double fastest = Math.max(a.rate(), a.startRate());
            double slowest = a.startRate() > 0 ? Math.min(a.rate(), a.startRate()) : a.rate();
            double durationSeconds = w.durationMicros() == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : w.durationMicros() / 1e6;
            // the stream ends at its duration or at its last request, whichever comes first
            double spanSeconds = w.maxRequests() == Long.MAX_VALUE ? durationSeconds
                    : Math.min(durationSeconds, slowest > 0 ? w.maxRequests() / slowest : Double.POSITIVE_INFINITY);
            if (!(spanSeconds <= MAX_SECONDS)) {
                throw error(spec, where, "spans " + spanSeconds + " simulated s, more than a run's bound of "
                        + (long) MAX_SECONDS + " s", value);
            }
            double requests = Math.min(w.maxRequests(), fastest * spanSeconds);
            requestCount(spec, where, requests, value);
            double heartbeatSeconds = w.heartbeatIntervalMicros() / 1e6;
            // a heartbeat to every partition every interval keeps the watermarks moving, and counts like a record
            double heartbeats = spanSeconds / heartbeatSeconds;
            if (heartbeats > MAX_REQUESTS) {
                throw error(spec, where, String.format("sends %.3g heartbeats (one every %s s over %.3g s), more than a"
                        + " run's bound of %.0e records", heartbeats, heartbeatSeconds, spanSeconds, MAX_REQUESTS), value);
            }
            long longest = 0;
            for (RequestClassSpec c : w.classes()) {
                longest = Math.max(longest, (long) max(c.prompt()) + max(c.output()));
            }
            return new Workload(w, label, longest, requests);
        } catch (ParameterException e) {
            throw e;
        } catch (RuntimeException e) {
            // WorkloadException names file:line:field; anything else still names the file
            throw new ParameterException(spec.commandLine(), where + ": " + named(e, value));
        }
    }

    private static String named(RuntimeException e, Object value) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return msg.contains(String.valueOf(value)) ? msg : value + ": " + msg;
    }

    /** The longest a request of this distribution can be. */
    static int max(LengthDistribution d) {
        if (d instanceof LengthDistribution.Fixed f) return f.value();
        if (d instanceof LengthDistribution.Uniform u) return u.max();
        if (d instanceof LengthDistribution.Normal n) return n.max();
        if (d instanceof LengthDistribution.LogNormal l) return l.max();
        if (d instanceof LengthDistribution.Empirical e) {
            return e.bins().stream().mapToInt(LengthDistribution.Bin::max).max().orElse(0);
        }
        return Integer.MAX_VALUE; // an unknown shape: assume the worst, the KV check says so
    }

    /** The longest request's KV (prompt + output tokens) must fit one decode die's HBM in every scenario. */
    static void kvFits(CommandSpec spec, String where, long longestTokens, List<ScenarioSpec> scenarios) {
        for (ScenarioSpec s : scenarios) {
            long cap = CostModels.build(s.profile(), s.model(), s.deployment(), s.decodeBatchCapPerNpu(), s.calibration())
                    .layout().kvCacheTokensPerDie();
            if (longestTokens > cap) {
                throw error(spec, where, "the longest request's KV (" + longestTokens + " tokens) exceeds what a decode"
                        + " die of scenario " + s.name() + " holds (" + cap + " tokens)", longestTokens);
            }
        }
    }

    /**
     * A command's Kafka options, checked the same way everywhere: {@code --bootstrap} is {@code HOST:PORT[,...]} and
     * {@code --client-properties} a readable properties text file. Returns the client properties. Whether the cluster
     * answers is {@link Reachability#check}'s, once the command is about to use it.
     */
    static Properties kafkaOptions(CommandSpec spec, String bootstrap, Path clientPropertiesFile) {
        hostPorts(spec, "--bootstrap", bootstrap);
        textFile(spec, "--client-properties", clientPropertiesFile);
        Properties p = new Properties();
        if (clientPropertiesFile != null) {
            try (InputStream in = Files.newInputStream(clientPropertiesFile)) {
                p.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw error(spec, "--client-properties", "not a properties file (" + e.getMessage() + ")",
                        clientPropertiesFile);
            }
        }
        return p;
    }

    /** {@code HOST:PORT[,HOST:PORT...]}, as Kafka's bootstrap.servers takes it. */
    static void hostPorts(CommandSpec spec, String option, String value) {
        if (value == null) {
            return;
        }
        for (String hp : value.split(",", -1)) {
            String s = hp.trim();
            int colon = s.lastIndexOf(':');
            boolean ok = colon > 0 && s.substring(colon + 1).matches("\\d{1,5}")
                    && Integer.parseInt(s.substring(colon + 1)) >= 1 && Integer.parseInt(s.substring(colon + 1)) <= 65535
                    && !s.substring(0, colon).isBlank() && !s.substring(0, colon).contains("/");
            Options.require(spec, ok, option, value, "must be HOST:PORT (a comma-separated list for several)");
        }
    }
}
