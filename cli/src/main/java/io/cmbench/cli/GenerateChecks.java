package io.cmbench.cli;

import io.cmbench.loadgen.GenerateCommand;
import io.cmbench.loadgen.WorkloadSpec;
import io.cmbench.model.ScenarioSpec;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code generate} shares with {@code run} when the launcher runs it: the same default rate (the paper's
 * operating point for the given lengths, so both send the same requests by default) and the same start-up checks.
 */
final class GenerateChecks implements GenerateCommand.Launcher {

    @Override
    public double defaultRate(int promptTokens, int outputTokens) {
        return PaperOperatingPoint.of(ScenarioSpec.paperDefault(), promptTokens, outputTokens).requestsPerSecond();
    }

    @Override
    public void preflight(CommandSpec spec, WorkloadSpec workload, String workloadOption, String workloadValue,
                          String bootstrap, Path clientPropertiesFile, Properties clientProperties) {
        InputChecks.offers(spec, workloadOption, workloadValue, null, workload);
        Properties checked = InputChecks.kafkaOptions(spec, bootstrap, clientPropertiesFile);
        if (bootstrap != null) {
            checked.putAll(clientProperties); // -P overrides included: the check connects as the producer will
            Reachability.check(null, bootstrap, checked);
        }
    }
}
