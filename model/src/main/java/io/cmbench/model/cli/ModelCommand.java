package io.cmbench.model.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cmbench model ...}: ask the cost model directly. Register as a subcommand of the launcher
 * ({@code new CommandLine(root).addSubcommand("model", new ModelCommand())} or via {@code subcommands}).
 * Subcommands return exit codes: 0 ok, 1 failed (e.g. batch does not fit in HBM), 2 bad option value.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Query the hardware + LLM cost model (decode, prefill, max-throughput, validate, calibrate).",
        subcommands = {DecodeCommand.class, PrefillCommand.class, MaxThroughputCommand.class, ValidateCommand.class,
                CalibrateCommand.class})
public final class ModelCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return CliSupport.EXIT_USAGE;
    }

    /** Runs {@code model <args>} standalone (no System.exit); bad options are reported on one line. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new ModelCommand());
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("error: " + ex.getMessage());
            return CliSupport.EXIT_USAGE;
        });
        return cl.execute(args);
    }
}
