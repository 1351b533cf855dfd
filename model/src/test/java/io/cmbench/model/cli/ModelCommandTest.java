package io.cmbench.model.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

class ModelCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** As the launcher runs it: a bad value's one line (its message) and exit code 2; a failure's message and 1. */
    private int run(String... args) {
        CommandLine cl = new CommandLine(new ModelCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println(ex.getMessage());
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, p) -> {
            c.getErr().println(ex.getMessage());
            return 1;
        });
        return cl.execute(args);
    }

    @Test
    void decodeJsonHasTheDocumentedKeys() throws Exception {
        assertThat(run("decode", "--batch-per-npu", "96", "--kv-length", "4096", "--json")).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toString());
        for (String k : new String[] {"step_ms", "tpot_ms", "tokens_per_s_per_npu", "per_layer_us", "operators"}) {
            assertThat(j.has(k)).as(k).isTrue();
        }
        assertThat(j.get("operators").has("attention_core")).isTrue();
        // the same order on every run (Map.of's iteration order changes from one JVM to the next)
        java.util.List<String> perStep = new java.util.ArrayList<>();
        j.get("per_step_us").fieldNames().forEachRemaining(perStep::add);
        assertThat(perStep).containsExactly("moe_layers", "dense_layers", "pipeline_fill_drain", "mtp", "lm_head");
        assertThat(j.get("tpot_ms").asDouble()).isCloseTo(j.get("step_ms").asDouble() / 1.7, org.assertj.core.api.Assertions.within(1e-3));
        assertThat(j.get("tokens_per_s_per_npu").asDouble()).isCloseTo(96 / (j.get("tpot_ms").asDouble() / 1e3), org.assertj.core.api.Assertions.within(1.0));
    }

    @Test
    void decodeSwitchesReachTheModel() throws Exception {
        run("decode", "--batch-per-npu", "96", "--kv-length", "4096", "--json", "--no-mtp", "--no-microbatch");
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertThat(j.get("mtp").asBoolean()).isFalse();
        assertThat(j.get("microbatch").asBoolean()).isFalse();
        assertThat(j.get("tokens_per_step").asDouble()).isEqualTo(1.0);
    }

    @Test
    void helpNamesEveryShippedProfileAndDeployment() {
        assertThat(run("decode", "--help")).isZero();
        String help = out.toString().replaceAll("\\s+", " ");
        for (String name : io.cmbench.model.spec.SpecLoader.PROFILES) assertThat(help).contains(name);
        for (String name : io.cmbench.model.spec.SpecLoader.DEPLOYMENTS) assertThat(help).contains(name);
    }

    @Test
    void humanOutputIsATable() {
        assertThat(run("decode", "--batch-per-npu", "8", "--kv-length", "4096")).isZero();
        assertThat(out.toString()).contains("TPOT").contains("attention_core").contains("dispatch");
    }

    @Test
    void prefillAndMaxThroughput() throws Exception {
        assertThat(run("prefill", "--prompt-tokens", "4096", "--batch-tokens-per-npu", "16384", "--cached-fraction", "0.5", "--json")).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertThat(j.get("batch_ms").asDouble()).isPositive();
        assertThat(j.get("operators").get("cache_read").asDouble()).isPositive();
        out.getBuffer().setLength(0);
        assertThat(run("max-throughput", "--slo-tpot-ms", "50", "--prompt-tokens", "4096", "--output-tokens", "256", "--json")).isZero();
        JsonNode m = new ObjectMapper().readTree(out.toString());
        assertThat(m.get("batch_per_npu").asInt()).isPositive();
        assertThat(m.get("tpot_ms").asDouble()).isLessThanOrEqualTo(50);
    }

    @Test
    void badOptionValueIsOneLineNamingOptionAndValueWithExitCode2() {
        assertThat(run("decode", "--batch-per-npu", "-3", "--kv-length", "4096")).isEqualTo(2);
        assertThat(err.toString().trim()).doesNotContain("\n").contains("--batch-per-npu").contains("-3");
        err.getBuffer().setLength(0);
        assertThat(run("prefill", "--prompt-tokens", "4096", "--cached-fraction", "1.5")).isEqualTo(2);
        assertThat(err.toString().trim()).contains("--cached-fraction").contains("1.5");
        err.getBuffer().setLength(0);
        assertThat(run("decode", "--batch-per-npu", "8", "--kv-length", "10", "--deployment", "nope")).isEqualTo(2);
        assertThat(err.toString()).contains("nope");
    }

    @Test
    void batchThatDoesNotFitFails() {
        assertThat(run("decode", "--batch-per-npu", "96", "--kv-length", "100000000")).isEqualTo(1);
        assertThat(err.toString()).contains("does not fit");
    }

    @Test
    void validateWritesTheMarkdown(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("docs/VALIDATION.md");
        assertThat(run("validate", "--output", f.toString())).isZero();
        String md = Files.readString(f);
        assertThat(md).contains("6,688").contains("1,943").contains("gemm_compute").contains("INT8 grouped GEMM");
        assertThat(md).contains("further published results").contains("5,655").contains("Missing decode time");
        assertThat(out.toString()).contains("prefill");
    }

    @Test
    void validateWritesNothingUnlessAsked() throws Exception {
        // it used to write docs/VALIDATION.md under whatever directory it ran from (here: the module's)
        Path relative = Path.of("docs", "VALIDATION.md");
        Files.deleteIfExists(relative);
        assertThat(run("validate")).isZero();
        assertThat(out.toString()).contains("prefill").doesNotContain("wrote");
        assertThat(relative).doesNotExist();
    }

    @Test
    void theVariantIsAnOptionAndNamedInTheOutput() throws Exception {
        ObjectMapper om = new ObjectMapper();
        assertThat(run("decode", "--batch-per-npu", "96", "--kv-length", "4096", "--json")).isZero();
        JsonNode cal = om.readTree(out.toString());
        out.getBuffer().setLength(0);
        assertThat(run("decode", "--batch-per-npu", "96", "--kv-length", "4096", "--calibration", "physics", "--json")).isZero();
        JsonNode phys = om.readTree(out.toString());
        assertThat(cal.get("calibration").asText()).isEqualTo("calibrated");
        assertThat(cal.get("calibration_source").asText()).isEqualTo("cmbench/calibrations/cloudmatrix384.yaml");
        assertThat(phys.get("calibration").asText()).isEqualTo("physics");
        assertThat(cal.get("tpot_ms").asDouble()).isGreaterThan(phys.get("tpot_ms").asDouble());
    }

    @Test
    void anUnknownVariantIsRefusedOnOneLine() {
        assertThat(run("max-throughput", "--slo-tpot-ms", "15", "--prompt-tokens", "4096", "--output-tokens", "256",
                "--calibration", "fitted")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("--calibration: must be one of calibrated, physics, got 'fitted'");
    }
}
