package io.cmbench.cli;

import io.cmbench.model.capacity.CapacityBracket;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One capacity search for one target, as the JSON {@code capacity} writes (and {@code plan} lists per candidate). */
final class CapacityRun {
    private CapacityRun() {}

    static Map<String, Object> measure(CapacityTarget t, CapacityOptions.Checked c, CapacityOptions o, Path dir,
                                       PrintStream say) throws Exception {
        CapacityBracket b = t.bracket();
        say.printf(Locale.ROOT, "capacity: %s (%s: %d prefill + %d decode NPUs), %s at attainment %.2f, cost model %s%n",
                t.deployment(), t.split().label(), t.split().prefillNpus(), t.split().decodeNpus(), c.slo().name(),
                c.bounds().attainment(), t.calibration());
        say.printf(Locale.ROOT, "capacity: model bracket %.2f req/s (prefill %.2f: batches of %d in %.0f ms; decode %.2f:"
                        + " batch %d/NPU at TPOT %.2f ms; KV transfer %.1f ms) -> %s%n", b.requestsPerSec(),
                b.prefillRequestsPerSec(), b.prefillBatchRequests(), b.prefillBatchMicros() / 1e3, b.decodeRequestsPerSec(),
                b.decodeBatchPerNpu(), b.decodeTpotMicros() / 1e3, b.kvTransferMicros() / 1e3, b.bottleneck());
        Map<String, Object> r = header(t, c, o);
        if (b.unattainable() != null) {
            r.put("not_attainable", b.unattainable());
            r.put("max_requests_per_s", 0.0);
            r.put("bottleneck", b.bottleneck());
            r.put("probes", List.of());
            return r;
        }
        CapacitySearch.Setup setup = new CapacitySearch.Setup("rate-", t.profile(), t.model(), t.deployment(),
                t.batchCapPerNpu(), t.calibration(), (int) Math.round(c.shape().meanPromptTokens()),
                (int) Math.round(c.shape().meanOutputTokens()), c.workloadYaml(), c.slo(), c.bounds(), b,
                CapacityTarget.lifetimeSeconds(c.slo(), c.shape()), o.seed, o.parallelism, o.perRequest);
        CapacitySearch.Result s = new CapacitySearch(setup, dir, say).run();
        CapacityProbe a = s.answer();
        if (a == null) {
            r.put("not_attainable", String.format(Locale.ROOT, "no probed rate down to %.2f req/s met the target (%s)",
                    s.probes().get(0).requestsPerSec(), s.measuredBottleneck() == null ? b.bottleneck() : s.measuredBottleneck()));
        }
        r.put("max_requests_per_s", a == null ? 0.0 : a.requestsPerSec());
        r.put("output_tokens_per_s_per_npu", a == null ? null : a.outputTokensPerSecPerNpu());
        r.put("goodput_tokens_per_s_per_npu", a == null ? null : a.goodputTokensPerSecPerNpu());
        r.put("goodput_tokens_per_s_per_decode_npu", a == null ? null : a.goodputTokensPerSecPerDecodeNpu());
        r.put("attainment", a == null ? null : a.attainment());
        r.put("ttft_p50_ms", a == null ? null : a.ttft().p50Ms());
        r.put("ttft_p90_ms", a == null ? null : a.ttft().p90Ms());
        r.put("tpot_p50_ms", a == null ? null : a.tpot().p50Ms());
        r.put("tpot_p90_ms", a == null ? null : a.tpot().p90Ms());
        r.put("bottleneck", s.measuredBottleneck() != null ? s.measuredBottleneck() : b.bottleneck());
        r.put("bottleneck_source", s.measuredBottleneck() != null ? s.bottleneckWhy()
                : "model: no probe above the answer missed the target");
        r.put("model_vs_measured", a == null ? null : a.requestsPerSec() / b.requestsPerSec() - 1);
        List<Map<String, Object>> probes = new ArrayList<>();
        for (CapacityProbe p : s.probes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stage", p.stage());
            m.put("requests_per_s", p.requestsPerSec());
            m.put("attainment", p.attainment());
            m.put("tpot_attainment", p.tpotAttainment());
            m.put("meets_target", p.meetsTarget());
            m.put("completed_per_s", p.completedPerSec());
            m.put("late_completed_per_s", p.lateCompletedPerSec());
            m.put("keeps_up", p.keepsUp());
            m.put("output_tokens_per_s_per_npu", p.outputTokensPerSecPerNpu());
            m.put("goodput_tokens_per_s_per_npu", p.goodputTokensPerSecPerNpu());
            m.put("ttft_p50_ms", p.ttft().p50Ms());
            m.put("ttft_p90_ms", p.ttft().p90Ms());
            m.put("tpot_p50_ms", p.tpot().p50Ms());
            m.put("tpot_p90_ms", p.tpot().p90Ms());
            probes.add(m);
        }
        r.put("probes", probes);
        return r;
    }

    private static Map<String, Object> header(CapacityTarget t, CapacityOptions.Checked c, CapacityOptions o) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("deployment", t.deployment().endsWith(".yaml") ? Path.of(t.deployment()).getFileName().toString() : t.deployment());
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("label", t.split().label());
        split.put("prefill_instances", t.split().prefillInstances());
        split.put("prefill_npus_per_instance", t.split().prefillNpusPerInstance());
        split.put("decode_instances", t.split().decodeInstances());
        split.put("decode_npus_per_instance", t.split().decodeNpusPerInstance());
        split.put("decode_batch_cap_per_npu", t.costModel().layout().decodeBatchCapPerNpu());
        r.put("split", split);
        r.put("npus", t.npus());
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("workload", c.workloadLabel());
        w.put("mean_prompt_tokens", c.shape().meanPromptTokens());
        w.put("mean_output_tokens", c.shape().meanOutputTokens());
        w.put("mean_cached_tokens", c.shape().meanCachedTokens());
        r.put("workload", w);
        r.put("slo", c.slo().name());
        r.put("attainment_target", c.bounds().attainment());
        r.put("seed", o.seed);
        r.put("calibration", t.calibration());
        CapacityBracket b = t.bracket();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_requests_per_s", b.requestsPerSec());
        m.put("bottleneck", b.bottleneck());
        m.put("prefill_requests_per_s", b.prefillRequestsPerSec());
        m.put("prefill_saturation_requests_per_s", b.prefillSaturationRequestsPerSec());
        m.put("prefill_batch_requests", b.prefillBatchRequests());
        m.put("prefill_batch_ms", b.prefillBatchMicros() / 1e3);
        m.put("kv_transfer_ms", b.kvTransferMicros() / 1e3);
        m.put("decode_requests_per_s", b.decodeRequestsPerSec());
        m.put("decode_batch_per_npu", b.decodeBatchPerNpu());
        m.put("decode_tpot_ms", b.decodeTpotMicros() / 1e3);
        r.put("model", m);
        r.put("not_attainable", null);
        return r;
    }

    @SuppressWarnings("unchecked")
    static void printTable(PrintStream o, Map<String, Object> r) {
        o.println();
        List<Map<String, Object>> probes = (List<Map<String, Object>>) r.get("probes");
        if (!probes.isEmpty()) {
            o.printf("%6s %12s %11s %11s %14s %12s %12s%n", "stage", "req/s", "attainment", "TPOT-only", "late done r/s",
                    "TTFT p90 ms", "TPOT p90 ms");
            for (Map<String, Object> p : probes) {
                o.printf(Locale.ROOT, "%6d %12.2f %10.1f%% %10.1f%% %14.2f %12.1f %12.2f %s%n", p.get("stage"),
                        p.get("requests_per_s"), 100 * (double) p.get("attainment"), 100 * (double) p.get("tpot_attainment"),
                        p.get("late_completed_per_s"), p.get("ttft_p90_ms"), p.get("tpot_p90_ms"),
                        (boolean) p.get("meets_target") ? "" : (boolean) p.get("keeps_up") ? "  misses" : "  misses: falls behind");
            }
            o.println();
        }
        Map<String, Object> m = (Map<String, Object>) r.get("model");
        if (r.get("not_attainable") != null) {
            o.printf("not attainable: %s%n", r.get("not_attainable"));
            return;
        }
        o.printf(Locale.ROOT, "max rate: %.2f requests/s under %s at attainment >= %.2f (%s: %d NPUs); model %.2f (%+.1f %%)%n",
                r.get("max_requests_per_s"), r.get("slo"), r.get("attainment_target"),
                ((Map<String, Object>) r.get("split")).get("label"), r.get("npus"), m.get("max_requests_per_s"),
                100 * (double) r.get("model_vs_measured"));
        o.printf(Locale.ROOT, "  %.1f output tok/s per NPU, goodput %.1f tok/s per NPU (%.1f per decode NPU); TTFT p50/p90 %.0f/%.0f ms,"
                        + " TPOT p50/p90 %.2f/%.2f ms%n", r.get("output_tokens_per_s_per_npu"), r.get("goodput_tokens_per_s_per_npu"),
                r.get("goodput_tokens_per_s_per_decode_npu"), r.get("ttft_p50_ms"), r.get("ttft_p90_ms"),
                r.get("tpot_p50_ms"), r.get("tpot_p90_ms"));
        o.printf("  bottleneck: %s (%s)%n", r.get("bottleneck"), r.get("bottleneck_source"));
    }
}
