package io.cmbench.cli;

import io.cmbench.cluster.ClusterCommand;
import io.cmbench.model.cli.ModelCommand;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code cmbench} script. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        JvmTempDir.install();
        System.exit(execute(args));
    }

    /** Runs a command line; returns the exit code (2 = bad usage, 1 = failure). */
    public static int execute(String... args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:cmbench-log4j2.xml");
        }
        // Log4j's own diagnostics (e.g. Flink's messages with surplus arguments) are noise on a terminal.
        System.setProperty("log4j2.statusLoggerLevel", System.getProperty("log4j2.statusLoggerLevel", "ERROR"));
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CmbenchCommand());
        cl.addSubcommand("model", new ModelCommand());
        cl.addSubcommand("cluster", new ClusterCommand());
        inheritVersion(cl, cl.getCommandSpec().version());
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("cmbench: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            RunRefusedException refused = refusal(ex);
            err.println("cmbench: " + (refused != null ? refused.getMessage() : describe(ex)));
            String log = System.getProperty("cmbench.log.file");
            if (log != null && java.nio.file.Files.exists(java.nio.file.Path.of(log))) {
                err.println("(details in the log: " + log + ")");
            }
            org.slf4j.LoggerFactory.getLogger(Main.class).error("command failed", ex);
            return refused != null ? 2 : 1; // a refused input is bad usage; anything else failed
        });
        return cl;
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

    private static RunRefusedException refusal(Throwable ex) {
        for (Throwable c = ex; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof RunRefusedException r) {
                return r;
            }
        }
        return null;
    }

    /** The innermost message that says something, prefixed by its exception type when it is not ours. */
    static String describe(Throwable ex) {
        Throwable c = ex;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String msg = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        return (c instanceof IllegalArgumentException || c instanceof IllegalStateException
                || c.getClass().getName().startsWith("io.cmbench")) ? msg : c.getClass().getSimpleName() + ": " + msg;
    }
}
