package io.cmbench.model.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cmbench model ...}: ask the cost model directly. Register as a subcommand of the launcher
 * ({@code new CommandLine(root).addSubcommand("model", new ModelCommand())} or via {@code subcommands}).
 * Subcommands return 0, or throw: a picocli ParameterException for a bad option value (the launcher prints one
 * line, exit code 2), an IllegalStateException when the model has no answer (e.g. the batch does not fit in HBM; exit 1).
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Query the hardware + LLM cost model (decode, prefill, max-throughput, validate, calibrate).",
        subcommands = {DecodeCommand.class, PrefillCommand.class, MaxThroughputCommand.class, ValidateCommand.class,
                CalibrateCommand.class})
public final class ModelCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "model: needs a subcommand (decode, prefill, max-throughput,"
                + " validate or calibrate; see 'cmbench model --help')");
    }
}
