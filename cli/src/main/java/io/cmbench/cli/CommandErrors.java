package io.cmbench.cli;

import io.cmbench.loadgen.WorkloadException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The launcher's one error format, for every command: {@code cmbench: WHERE: reason, got 'value'} on one line
 * (WHERE is an option, a FILE:LINE or the command), then the log's path on a second line when a log exists. Exit
 * code 2 for bad input (options, files, refused runs), 1 for anything that failed on the way. No stack trace and no
 * log reaches the terminal: the log file gets them.
 */
final class CommandErrors {
    static final int EXIT_INPUT = 2;
    static final int EXIT_FAILED = 1;
    static final String LOG_FILE_PROPERTY = "cmbench.log.file";

    private CommandErrors() {}

    /** Installs both handlers on the launcher's command line; subcommands inherit them. */
    static void install(CommandLine cl) {
        cl.setParameterExceptionHandler((ex, args) -> report(ex.getCommandLine().getErr(), line(ex), null, EXIT_INPUT));
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> onExecution(ex, commandLine, parseResult));
    }

    private static int onExecution(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        String input = inputError(ex);
        if (input != null) {
            return report(commandLine.getErr(), input, ex, EXIT_INPUT);
        }
        return report(commandLine.getErr(), firstLine(describe(ex)), ex, EXIT_FAILED);
    }

    private static int report(PrintWriter err, String line, Throwable cause, int code) {
        err.println("cmbench: " + line);
        String log = System.getProperty(LOG_FILE_PROPERTY);
        if (log != null && Files.exists(Path.of(log))) {
            if (cause != null) {
                org.slf4j.LoggerFactory.getLogger(CommandErrors.class).error("command failed", cause);
            }
            err.println("(details in the log: " + log + ")");
        }
        err.flush();
        return code;
    }

    /** The one-line text of a bad input anywhere in the cause chain, or null when the failure is not the input's. */
    static String inputError(Throwable ex) {
        for (Throwable c = ex; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ParameterException p) {
                return line(p);
            }
            if (c instanceof RunRefusedException || c instanceof WorkloadException) {
                return firstLine(c.getMessage());
            }
        }
        return null;
    }

    /** A picocli parse error in the launcher's format; the launcher's own checks already speak it. */
    static String line(ParameterException ex) {
        String command = ex.getCommandLine().getCommandSpec().qualifiedName();
        String help = "(see '" + command + " --help')";
        if (ex instanceof UnmatchedArgumentException u) {
            List<String> unmatched = u.getUnmatched();
            String value = unmatched.isEmpty() ? "" : unmatched.get(0);
            List<String> suggestions = u.getSuggestions();
            String why = value.startsWith("-") ? "unknown option" : "unexpected argument";
            return subcommandName(command) + ": " + why + (suggestions.isEmpty() ? " " + help
                    : " (did you mean " + String.join(" or ", suggestions) + "?)") + ", got '" + value + "'";
        }
        if (ex.getMessage() != null && ex.getMessage().startsWith("Missing required subcommand")) {
            return subcommandName(command) + ": needs a subcommand " + help;
        }
        if (ex instanceof MissingParameterException m && !m.getMissing().isEmpty()) {
            ArgSpec arg = m.getMissing().get(0);
            if (arg instanceof OptionSpec o && ex.getMessage().startsWith("Missing required parameter for option")) {
                return o.longestName() + ": needs a value " + help;
            }
            return subcommandName(command) + ": " + name(arg) + " is required " + help;
        }
        if (ex instanceof OverwrittenOptionException o) {
            return name(o.getOverwritten()) + ": given more than once " + help;
        }
        if (ex.getArgSpec() != null && ex.getValue() != null && ex.getMessage().startsWith("Invalid value")) {
            return name(ex.getArgSpec()) + ": " + expected(ex.getArgSpec()) + ", got '" + ex.getValue() + "'";
        }
        return firstLine(ex.getMessage());
    }

    private static String subcommandName(String qualified) {
        return qualified.startsWith("cmbench ") ? qualified.substring("cmbench ".length()) : qualified;
    }

    private static String name(ArgSpec arg) {
        if (arg instanceof OptionSpec o) {
            return o.longestName();
        }
        return arg instanceof PositionalParamSpec p ? p.paramLabel() : String.valueOf(arg);
    }

    /** What a value of this option's type looks like, for a value picocli could not convert. */
    private static String expected(ArgSpec arg) {
        Class<?> t = arg.auxiliaryTypes().length > 0 ? arg.auxiliaryTypes()[0] : arg.type();
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return "must be an integer";
        }
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
            return "must be a number";
        }
        if (t.isEnum()) {
            return "must be one of " + java.util.Arrays.toString(t.getEnumConstants());
        }
        return "not a valid " + t.getSimpleName();
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

    /** The first line of a message: a multi-line one (e.g. with a log tail) keeps the rest for the log file. */
    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
