package io.cmbench.cli;

import io.cmbench.cluster.ClusterCommand;
import io.cmbench.loadgen.GenerateCommand;
import io.cmbench.model.cli.ModelCommand;
import picocli.CommandLine;

/** Entry point of the {@code cmbench} script. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        JvmTempDir.install();
        System.exit(execute(args));
    }

    /** Runs a command line; returns the exit code (2 = bad input, 1 = failure). */
    public static int execute(String... args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:cmbench-log4j2.xml");
        }
        // Log4j's own diagnostics (e.g. Flink's messages with surplus arguments) are noise on a terminal.
        System.setProperty("log4j2.statusLoggerLevel", System.getProperty("log4j2.statusLoggerLevel", "ERROR"));
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    /** The launcher: every command in the order its help lists them, one error format and version for all. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CmbenchCommand());
        cl.addSubcommand(new RunCommand());
        cl.addSubcommand(new SweepCommand());
        cl.addSubcommand(new CapacityCommand());
        cl.addSubcommand(new PlanCommand());
        cl.addSubcommand(new GenerateCommand(new GenerateChecks()));
        cl.addSubcommand(new IngestCommand());
        cl.addSubcommand(new ReportFromTopicCommand());
        cl.addSubcommand(new BenchCommand());
        cl.addSubcommand("model", new ModelCommand());
        cl.addSubcommand("cluster", new ClusterCommand());
        inheritVersion(cl, cl.getCommandSpec().version());
        abbreviateSynopsis(cl);
        CommandErrors.install(cl);
        return cl;
    }

    /**
     * "Usage: cmbench run [OPTIONS]": the options are listed below it anyway, and a synopsis of two dozen options wraps
     * inside them.
     */
    private static void abbreviateSynopsis(CommandLine cl) {
        cl.getCommandSpec().usageMessage().abbreviateSynopsis(true);
        cl.getSubcommands().values().forEach(Main::abbreviateSynopsis);
    }

    /** Every subcommand's --version prints the launcher's version (picocli prints nothing for a command without one). */
    private static void inheritVersion(CommandLine cl, String[] version) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().version().length == 0) {
                sub.getCommandSpec().version(version);
            }
            inheritVersion(sub, version);
        }
    }
}
