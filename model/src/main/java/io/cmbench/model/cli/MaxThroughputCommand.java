package io.cmbench.model.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.cmbench.model.RooflineCostModel;
import io.cmbench.model.SloSearch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import static io.cmbench.model.cli.CliSupport.f;
import static io.cmbench.model.cli.CliSupport.r;

@Command(name = "max-throughput", mixinStandardHelpOptions = true,
        description = "Largest decode batch per NPU whose TPOT meets the SLO (KV growing from N to N+M over a request's life).")
public final class MaxThroughputCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ModelOptions common;

    @Option(names = "--slo-tpot-ms", paramLabel = "S", required = true, description = "TPOT bound in ms")
    String slo;

    @Option(names = "--prompt-tokens", paramLabel = "N", required = true, description = "prompt tokens per request")
    String prompt;

    @Option(names = "--output-tokens", paramLabel = "M", required = true, description = "output tokens per request")
    String output;

    @Option(names = "--no-mtp", description = "disable MTP")
    boolean noMtp;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            double s = CliSupport.positiveDouble("--slo-tpot-ms", slo);
            int n = CliSupport.nonNegativeInt("--prompt-tokens", prompt);
            int m = CliSupport.positiveInt("--output-tokens", output);
            RooflineCostModel c = common.build();
            if (noMtp) c = c.withDecodeOptions(new RooflineCostModel.DecodeOptions(false, c.mtpAcceptance(), c.decodeOptions().microbatch()));
            SloSearch.Result res = SloSearch.maxBatch(c, s, n, m);
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("profile", c.profile().name());
            j.put("calibration", c.calibration().variant());
            j.put("calibration_source", c.calibration().source());
            j.put("deployment", c.deployment().name());
            j.put("slo_tpot_ms", s);
            j.put("prompt_tokens", n);
            j.put("output_tokens", m);
            j.put("mean_kv_length", res.meanKvLength());
            j.put("batch_per_npu", res.batchPerNpu());
            j.put("tpot_ms", res.batchPerNpu() == 0 ? null : r(res.tpotMicros() / 1e3, 4));
            j.put("step_ms", res.batchPerNpu() == 0 ? null : r(res.stepMicros() / 1e3, 4));
            j.put("tokens_per_s_per_npu", r(res.tokensPerSecondPerNpu(), 2));
            j.put("memory_limited_batch_per_npu", res.memoryLimitedBatch());
            j.put("deployment_batch_cap_per_npu", c.layout().decodeBatchCapPerNpu());
            j.put("exceeds_deployment_cap", res.exceedsDeploymentCap());
            j.put("microbatch", res.microbatch());
            if (common.json) {
                out.println(CliSupport.json(j));
            } else {
                out.printf(Locale.ROOT, "max-throughput  %s / %s / %s  SLO TPOT <= %s ms, %d in / %d out (mean KV %d)%n",
                        c.profile().name(), c.modelSpec().name(), c.deployment().name(), f(s, 2), n, m, res.meanKvLength());
                out.println("  " + ModelOptions.variantLine(c));
                if (res.batchPerNpu() == 0) {
                    out.println("  no batch meets the SLO (batch 1 is already slower)");
                } else {
                    out.printf(Locale.ROOT, "  batch %d per NPU   TPOT %s ms   %s tok/s per NPU   microbatches %d%s%n", res.batchPerNpu(),
                            f(res.tpotMicros() / 1e3, 2), f(res.tokensPerSecondPerNpu(), 0), res.microbatch() ? 2 : 1,
                            res.exceedsDeploymentCap() ? "   (above the deployment cap of " + c.layout().decodeBatchCapPerNpu() + ")" : "");
                }
            }
            out.flush();
            return CliSupport.EXIT_OK;
        } catch (CliSupport.BadOption e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
