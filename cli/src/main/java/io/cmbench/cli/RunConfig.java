package io.cmbench.cli;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.SloSpec;
import io.cmbench.model.ScenarioSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * Everything one embedded run needs. {@code bootstrapServers == null} means: start our own broker.
 * {@code workloadFile == null} means: Poisson arrivals at {@code requestsPerSec} of fixed-length requests.
 */
record RunConfig(
        long seed,
        double durationSeconds,
        double requestsPerSec,
        int promptTokens,
        int outputTokens,
        Path workloadFile,
        int parallelism,
        Path outDir,
        double windowSeconds,
        List<SloSpec> slos,
        int warmupWindows,
        int drainWindows,
        int kafkaPort,
        String bootstrapServers,
        Properties kafkaProperties,
        List<ScenarioSpec> scenarios,
        EmulationMode mode,
        boolean quiet) {

    long durationMicros() {
        return Math.round(durationSeconds * 1e6);
    }

    long windowMicros() {
        return Math.round(windowSeconds * 1e6);
    }
}
