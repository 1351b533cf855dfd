package io.cmbench.cli;

import io.cmbench.loadgen.GenerateCommand;
import picocli.CommandLine.Command;

/** The {@code cmbench} command. */
@Command(name = "cmbench", mixinStandardHelpOptions = true, version = "cmbench 0.1.0",
        description = "Streaming benchmark and SLO analytics for disaggregated LLM serving (CloudMatrix384 model).",
        subcommands = {RunCommand.class, SweepCommand.class, GenerateCommand.class, IngestCommand.class, ReportFromTopicCommand.class, BenchCommand.class})
final class CmbenchCommand {
}
