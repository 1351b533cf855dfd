package io.cmbench.cli;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.model.CostModels;
import io.cmbench.model.DecodeCapacity;
import io.cmbench.model.RooflineCostModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static io.cmbench.cli.CalibrationOptionTest.runConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The default run offers the paper's 50 ms operating point; a low-load run is one option away. */
class RunDefaultsTest {

    @Test
    void theDefaultRunFillsThePaperDecodePoolAtItsCapInDecodeOnlyMode() throws Exception {
        RunConfig cfg = runConfig("run");
        RooflineCostModel m = CostModels.build("cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 0);
        double capacity = DecodeCapacity.requestsPerSecond(m, 96, 4096, 256);
        assertThat(cfg.mode()).isEqualTo(EmulationMode.DECODE_ONLY);
        assertThat(cfg.requestsPerSec()).isCloseTo(PaperOperatingPoint.OVERLOAD * capacity, within(1e-9));
        assertThat(capacity).isBetween(1150.0, 1250.0);   // 160 NPUs x 96 sequences / (256 tokens x ~50 ms)
        // the warm-up covers the pool's fill: more than one request's life at the cap (12.8 s), in 10 s windows
        PaperOperatingPoint p = PaperOperatingPoint.of(cfg.scenarios().get(0), 4096, 256);
        assertThat(p.fillSeconds()).isGreaterThan(p.requestLifetimeSeconds());
        assertThat(cfg.warmupWindows()).isEqualTo((int) Math.ceil(p.fillSeconds() / 10));
        assertThat(cfg.drainWindows()).isEqualTo(RunConfig.DRAIN_AUTO);
    }

    @Test
    void theOperatingPointLineSaysWhatTheRunDoes() throws Exception {
        String line = PaperOperatingPoint.of(runConfig("run").scenarios().get(0), 4096, 256).describe(EmulationMode.DECODE_ONLY);
        assertThat(line).contains("keeps the 160 decode NPUs at their batch cap of 96").contains("decode-only")
                .contains("the 96 prefill NPUs would feed").contains("--rate 100");
    }

    @Test
    void aNumericRateIsALowLoadFullPipelineRun() throws Exception {
        RunConfig cfg = runConfig("run", "--rate", "100");
        assertThat(cfg.mode()).isEqualTo(EmulationMode.FULL);
        assertThat(cfg.requestsPerSec()).isEqualTo(100.0);
        assertThat(cfg.warmupWindows()).isEqualTo(1);
        assertThat(runConfig("run", "--mode", "full").mode()).isEqualTo(EmulationMode.FULL);
        assertThat(runConfig("run", "--rate", "100", "--mode", "decode-only", "--warmup-windows", "3").warmupWindows()).isEqualTo(3);
    }

    @Test
    void thePaperConfigurationShowsItsPublishedPointBesideTheResult() throws Exception {
        RunConfig cfg = runConfig("run");
        Map<String, String> lines = PublishedReferences.lines(PublishedReferences.forRun(cfg));
        assertThat(lines).containsOnlyKeys("cloudmatrix384");
        assertThat(lines.get("cloudmatrix384")).contains("1943.0").contains("batch 96/NPU").contains("paper-decode-b96");
        // another cap, or lengths nobody published at that cap: nothing to compare with
        assertThat(PublishedReferences.forRun(runConfig("run", "--batch-per-npu", "64"))).isEmpty();
        assertThat(PublishedReferences.forRun(runConfig("run", "--prompt-tokens", "1024"))).isEmpty();
        // per SLO, the published best under its bound at these lengths: what the report marks on its goodput charts
        var bySlo = PublishedReferences.bySlo(cfg);
        assertThat(bySlo).containsOnlyKeys("tpot15", "tpot50");
        assertThat(bySlo.get("tpot15").batchPerNpu()).isEqualTo(8);
        assertThat(bySlo.get("tpot15").tokensPerSecondPerNpu()).isEqualTo(538.0);
        assertThat(bySlo.get("tpot50").batchPerNpu()).isEqualTo(96);
        assertThat(PublishedReferences.bySlo(runConfig("run", "--slo", "tpot15+ttft1000"))).isEmpty();
        assertThat(PublishedReferences.bySlo(runConfig("run", "--prompt-tokens", "1024", "--rate", "10"))).isEmpty();
    }

    /** generate's defaults are run's: the same requests (paper rate for the lengths, 60 s, seed 42) unless told otherwise. */
    @Test
    void generateByDefaultSendsWhatRunGeneratesByDefault() throws Exception {
        for (String[] lengths : new String[][] {{}, {"--prompt-tokens", "1024", "--output-tokens", "64"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--duration", "2"));
            args.addAll(java.util.List.of(lengths));
            java.util.List<String> run = new java.util.ArrayList<>(java.util.List.of("run"));
            run.addAll(args);
            RunConfig cfg = runConfig(run.toArray(String[]::new));
            long expected = 0;
            try (io.cmbench.loadgen.RequestStream s = new io.cmbench.loadgen.RequestStream(cfg.workloadSpec(), cfg.seed())) {
                while (s.hasNext()) {
                    if (!io.cmbench.loadgen.RequestStream.isHeartbeat(s.next())) {
                        expected++;
                    }
                }
            }
            java.io.StringWriter out = new java.io.StringWriter();
            picocli.CommandLine cl = Main.commandLine();
            cl.setOut(new java.io.PrintWriter(out, true));
            java.util.List<String> generate = new java.util.ArrayList<>(java.util.List.of("generate", "--dry-run"));
            generate.addAll(args);
            assertThat(cl.execute(generate.toArray(String[]::new))).isZero();
            assertThat(out.toString()).as(String.join(" ", lengths)).contains("seed 42: " + expected + " requests");
            assertThat(expected).as("the paper's rate, not a token 10 req/s").isGreaterThan(20L * 2);
        }
    }

    @Test
    void everySubcommandPrintsTheVersion() {
        for (String[] args : new String[][] {{"run", "--version"}, {"sweep", "--version"}, {"model", "decode", "--version"}}) {
            java.io.StringWriter out = new java.io.StringWriter();
            picocli.CommandLine cl = Main.commandLine();
            cl.setOut(new java.io.PrintWriter(out, true));
            assertThat(cl.execute(args)).isZero();
            assertThat(out.toString()).as(String.join(" ", args)).startsWith("cmbench ");
        }
    }
}
