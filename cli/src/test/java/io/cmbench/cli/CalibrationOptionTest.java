package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmbench.jobs.EmulationJobConfig;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.scenario.Scenario;
import io.cmbench.model.scenario.ScenarioFiles;
import io.cmbench.schemas.Completion;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --calibration calibrated|physics}: every scenario of a run gets the variant (a scenario file's too), it
 * reaches the emulation job (embedded, and as cluster arguments), and the outputs name it.
 */
@Tag("integration")
class CalibrationOptionTest {

    @TempDir
    Path tmp;

    /** The run command's configuration for these arguments, as the launcher builds it. */
    static RunConfig runConfig(String... args) throws Exception {
        CommandLine cl = Main.commandLine();
        cl.parseArgs(args);
        return ((RunCommand) cl.getSubcommands().get("run").getCommand()).config();
    }

    @Test
    void everyScenarioGetsTheVariantScenarioFilesToo() throws Exception {
        assertThat(runConfig("run").scenarios()).extracting(ScenarioSpec::calibration).containsExactly("calibrated");
        assertThat(runConfig("run", "--calibration", "physics", "--batch-per-npu", "8").scenarios())
                .containsExactly(new ScenarioSpec("cloudmatrix384", "cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 8,
                        "physics"));

        RunConfig file = runConfig("run", "--scenarios", "cm384-vs-h800", "--calibration", "physics");
        assertThat(file.scenarios()).extracting(ScenarioSpec::name).containsExactly("cloudmatrix384", "h800");
        assertThat(file.scenarios()).extracting(ScenarioSpec::calibration).containsOnly("physics");
        // the job's configuration keeps the run's variant and the file's policies
        EmulationJobConfig job = file.emulationJob("h:9").validate();
        assertThat(job.scenarios()).isEqualTo(file.scenarios());
        assertThat(job.policiesList()).isEqualTo(ScenarioFiles.builtinScenarios("cm384-vs-h800").stream()
                .map(Scenario::policies).toList());
    }

    @Test
    void clusterArgumentsCarryTheVariant() {
        ScenarioSpec physics = ScenarioSpec.paperDefault().withCalibration("physics");
        assertThat(ClusterJobs.scenarioArg(physics)).isEqualTo("cloudmatrix384:cloudmatrix384:deepseek-r1:cloudmatrix-infer:0:physics");
        // a scenario file travels by name: its one variant goes beside it as --calibration
        assertThat(ClusterJobs.calibrationArg(List.of(physics, physics.withCalibration("physics")))).isEqualTo("physics");
        assertThatThrownBy(() -> ClusterJobs.calibrationArg(List.of(physics, ScenarioSpec.paperDefault())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("physics").hasMessageContaining("calibrated");
    }

    @Test
    void theSummaryAndTheHelpNameTheVariant() throws Exception {
        // h800 ships no calibration file: asked for calibrated, its model is the physics, and the summary says so
        assertThat(RunCommand.modelVariants(runConfig("run", "--scenarios", "cm384-vs-h800"))).isEqualTo(Map.of(
                "cloudmatrix384", "calibrated (cmbench/calibrations/cloudmatrix384.yaml)",
                "h800", "calibrated (none for profile h800: physics)"));
        assertThat(RunCommand.modelVariants(runConfig("run", "--calibration", "physics")))
                .containsExactly(Map.entry("cloudmatrix384", "physics (nothing fitted)"));

        for (String command : List.of("run", "sweep")) {
            StringWriter out = new StringWriter();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(out, true));
            assertThat(cl.execute(command, "--help")).isZero();
            assertThat(out.toString()).as(command).contains("--calibration=VARIANT").contains("(default: calibrated)");
        }
    }

    /** Same seed, same traffic, the two variants: the decode timings differ, so the flag reaches the emulation. */
    @Test
    void physicsAndCalibratedRunsOfTheSameSeedDecodeDifferently() throws Exception {
        EmbeddedRun.Result calibrated = run("calibrated");
        EmbeddedRun.Result physics = run("physics");

        ObjectMapper json = new ObjectMapper();
        for (EmbeddedRun.Result r : List.of(calibrated, physics)) {
            JsonNode scenarios = json.readTree(r.outDir().resolve("summary.json").toFile()).path("config").path("scenarios");
            assertThat(scenarios).hasSize(1);
            assertThat(scenarios.get(0).path("calibration").asText())
                    .isEqualTo(r == calibrated ? "calibrated" : "physics");
        }

        // the same requests arrive at the same times ...
        assertThat(physics.completions()).extracting(Completion::getRequestId, Completion::getArrivalTimeMicros)
                .containsExactlyElementsOf(calibrated.completions().stream()
                        .map(c -> org.assertj.core.groups.Tuple.tuple(c.getRequestId(), c.getArrivalTimeMicros())).toList());
        // ... and take other decode times: nearly every request's, not a stray one
        List<Long> a = decodeMicros(calibrated.completions());
        List<Long> b = decodeMicros(physics.completions());
        int differ = 0;
        for (int i = 0; i < a.size(); i++) {
            differ += a.get(i).equals(b.get(i)) ? 0 : 1;
        }
        assertThat(differ).as("requests whose decode time differs, of %d", a.size()).isGreaterThan(a.size() * 9 / 10);
    }

    private EmbeddedRun.Result run(String variant) throws Exception {
        return run(variant, variant);
    }

    private EmbeddedRun.Result run(String variant, String dir) throws Exception {
        RunConfig cfg = runConfig("run", "--seed", "7", "--duration", "20", "--rate", "15", "--prompt-tokens", "1024",
                "--output-tokens", "64", "--window", "5", "--mode", "decode-only", "--parallelism", "1", "--quiet",
                "--calibration", variant, "--out", tmp.resolve(dir).toString());
        return new EmbeddedRun(cfg, new PrintStream(PrintStream.nullOutputStream())).run();
    }

    private static List<Long> decodeMicros(List<Completion> completions) {
        List<Long> out = new ArrayList<>();
        completions.forEach(c -> out.add(c.getLastTokenMicros() - c.getFirstTokenMicros()));
        return out;
    }
}
