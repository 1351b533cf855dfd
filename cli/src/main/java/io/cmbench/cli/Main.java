package io.cmbench.cli;

import io.cmbench.cluster.ClusterCommand;
import io.cmbench.model.cli.ModelCommand;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code cmbench} script. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
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
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("cmbench: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("cmbench: " + describe(ex));
            err.println("(details in the log: " + System.getProperty("cmbench.log.file", "runs/cmbench.log") + ")");
            org.slf4j.LoggerFactory.getLogger(Main.class).error("command failed", ex);
            return 1;
        });
        return cl;
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
