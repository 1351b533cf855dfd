package io.cmbench.cli;

import picocli.CommandLine.Command;

/** The {@code cmbench} command; {@link Main#commandLine} adds its subcommands. */
@Command(name = "cmbench", mixinStandardHelpOptions = true, version = "cmbench 0.1.0",
        description = "Streaming benchmark and SLO analytics for disaggregated LLM serving (CloudMatrix384 model).")
final class CmbenchCommand {
}
