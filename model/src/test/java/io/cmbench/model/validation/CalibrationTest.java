package io.cmbench.model.validation;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cmbench.model.Calibration;
import io.cmbench.model.Calibrations;
import io.cmbench.model.CostModels;
import io.cmbench.model.RooflineCostModel;
import io.cmbench.model.SloSearch;
import io.cmbench.model.cli.ModelCommand;
import io.cmbench.model.spec.SpecException;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CalibrationTest {

    private static String resource(String path) throws IOException {
        try (InputStream in = CalibrationTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theCommittedCalibrationFileIsTheFitsOutput() throws IOException {
        List<Measurement> rows = Measurements.forProfile("cloudmatrix384");
        CalibrationFit.Result fit = CalibrationFit.fit(rows);
        String path = Calibrations.resourcePath("cloudmatrix384");
        String expected = CalibrationFile.render("cloudmatrix384", Measurements.resourcePath("cloudmatrix384"),
                CalibrationFile.rounded(fit.calibration(), path), rows);
        assertThat(resource(path)).as("re-run ./cmbench model calibrate --profile cloudmatrix384 and commit its file").isEqualTo(expected);
    }

    @Test
    void theFitSeesOnlyCalibrationRows() {
        List<Measurement> rows = Measurements.forProfile("cloudmatrix384");
        Calibration all = CalibrationFit.fit(rows).calibration();
        // validation rows with absurd values must not move the fit
        List<Measurement> poisoned = rows.stream().map(r -> r.role().equals(Measurement.VALIDATION)
                ? new Measurement(r.id(), r.role(), r.source(), r.profile(), r.model(), r.deployment(), r.quantity(), r.conditions(),
                        r.value() * 3, r.valueHigh(), r.missing(), r.publishedTokensPerSecondPerNpu()) : r).toList();
        assertThat(CalibrationFit.fit(poisoned).calibration()).isEqualTo(all);
    }

    @Test
    void theCalibratedModelMeetsThePublishedOperatingPoints() {
        RooflineCostModel cal = CostModels.build("cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 0);
        assertThat(cal.calibration().variant()).isEqualTo(Calibration.CALIBRATED_NAME);
        assertThat(cal.calibration().isIdentity()).isFalse();
        assertThat(cal.decodeUniform(8, 4224).tpotMicros() / 1e3).isCloseTo(14.9, within(14.9 * 0.02));
        assertThat(cal.decodeUniform(24, 4224).tpotMicros() / 1e3).isCloseTo(24.6, within(24.6 * 0.02));
        assertThat(cal.decodeUniform(96, 4096).tpotMicros() / 1e3).isCloseTo(49.4, within(49.4 * 0.02));
        assertThat(SloSearch.maxBatch(cal, 15, 4096, 256).tokensPerSecondPerNpu()).isCloseTo(538, within(538 * 0.05));
        assertThat(SloSearch.maxBatch(cal, 50, 4096, 256).tokensPerSecondPerNpu()).isCloseTo(1943, within(1943 * 0.05));
    }

    @Test
    void thePhysicsVariantIsTheModelWithoutTheLayer() {
        RooflineCostModel phys = CostModels.build("cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 0, Calibration.PHYSICS_NAME);
        RooflineCostModel cal = CostModels.build("cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 0);
        assertThat(phys.calibration().isIdentity()).isTrue();
        assertThat(cal.withCalibration(Calibration.PHYSICS).decodeUniform(96, 4096).stepMicros())
                .isEqualTo(phys.decodeUniform(96, 4096).stepMicros());
        // pinned physics values (docs/VALIDATION.md, physics column)
        assertThat(phys.decodeUniform(96, 4096).tpotMicros() / 1e3).isCloseTo(38.30, within(0.01));
        assertThat(phys.decodeUniform(8, 4224).tpotMicros() / 1e3).isCloseTo(15.73, within(0.01));
        assertThat(SloSearch.maxBatch(phys, 15, 4096, 256).batchPerNpu()).isEqualTo(4);
    }

    @Test
    void aProfileWithoutCalibrationRunsThePhysicsAndSaysSo() {
        RooflineCostModel h = CostModels.build("h800", "deepseek-r1", "deepseek-h800", 0);
        assertThat(h.calibration().isIdentity()).isTrue();
        assertThat(h.calibration().source()).contains("none for profile h800");
    }

    @Test
    void theSlowestDieWaitRisesWithTheTokensAndSaturates() {
        Calibration c = new Calibration("calibrated", "test", 1, 300, 20, 0);
        assertThat(c.syncWaitSeconds(0)).isZero();
        assertThat(c.syncWaitSeconds(20)).isCloseTo(150e-6, within(1e-12));
        assertThat(c.syncWaitSeconds(5)).isLessThan(c.syncWaitSeconds(10));
        assertThat(c.syncWaitSeconds(2000)).isCloseTo(300e-6, within(1e-7));
    }

    // ---- bad input ----

    private static final String ROW = """
            profile: cloudmatrix384
            rows:
              - id: r1
                role: calibration
                source: s
                deployment: cloudmatrix-infer
                quantity: %s
                conditions: %s
                value: 10
            """;

    @Test
    void aDecodeRowWithoutItsBatchIsRefusedNamingTheField() {
        assertThatThrownBy(() -> Measurements.parse("m.yaml", ROW.formatted("decode_tpot_ms", "{kv_tokens: 4096}")))
                .isInstanceOf(SpecException.class).hasMessage("m.yaml:8: rows[0].conditions.batch_per_npu: missing condition (a decode row needs the batch per NPU)");
    }

    @Test
    void anUnknownQuantityIsRefusedNamingTheRow() {
        assertThatThrownBy(() -> Measurements.parse("m.yaml", ROW.formatted("ttft_ms", "{batch_per_npu: 8}")))
                .isInstanceOf(SpecException.class).hasMessageStartingWith("m.yaml:7: rows[0].quantity: unknown quantity 'ttft_ms'");
    }

    @Test
    void aCalibrationFileOfAnotherProfileIsRefused() {
        String text = "profile: h800\nparameters: {ep_latency_scale: 1, sync_wait_us: 0, sync_half_tokens_per_die: 1, prefill_compute_us_per_token: 0}\n";
        assertThatThrownBy(() -> Calibrations.parse("c.yaml", text, "cloudmatrix384"))
                .isInstanceOf(SpecException.class).hasMessage("c.yaml:1: profile: 'h800' does not match the profile 'cloudmatrix384'");
    }

    @Test
    void calibrateRefusesABadMeasurementsFileAsABadOptionValue(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("m.yaml");
        Files.writeString(f, ROW.formatted("decode_tpot_ms", "{kv_tokens: 4096}"));
        CommandLine cl = new CommandLine(new ModelCommand());
        cl.setOut(new PrintWriter(new StringWriter(), true));
        // the launcher prints a ParameterException's message as its one line, exit code 2
        assertThatThrownBy(() -> {
            cl.parseArgs("calibrate", "--measurements", f.toString(), "--output", dir.resolve("c.yaml").toString());
            cl.getSubcommands().get("calibrate").<java.util.concurrent.Callable<Integer>>getCommand().call();
        }).isInstanceOf(picocli.CommandLine.ParameterException.class)
                .hasMessageContaining("rows[0].conditions.batch_per_npu")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(dir.resolve("c.yaml")).doesNotExist();
    }

    @Test
    void calibrateWritesTheFileItPrints(@TempDir Path dir) throws IOException {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new ModelCommand());
        cl.setOut(new PrintWriter(out, true));
        Path target = dir.resolve("c.yaml");
        assertThat(cl.execute("calibrate", "--output", target.toString())).isZero();
        assertThat(Files.readString(target)).isEqualTo(resource(Calibrations.resourcePath("cloudmatrix384")));
    }
}
