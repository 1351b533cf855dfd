package io.cmbench.cli;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.model.CostModels;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.validation.PublishedReference;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The published decode point each scenario of a run can be set beside: the paper's row of the scenario's configuration
 * at the scenario's batch cap and about the run's mean KV length (none for workload files, prefill-only runs, or
 * configurations nobody published).
 */
final class PublishedReferences {
    private PublishedReferences() {}

    static Map<String, PublishedReference.DecodePoint> forRun(RunConfig cfg) {
        Map<String, PublishedReference.DecodePoint> out = new LinkedHashMap<>();
        if (cfg.workload() != null || cfg.mode() == null || cfg.mode() == EmulationMode.PREFILL_ONLY) return out;
        long kv = cfg.promptTokens() + cfg.outputTokens() / 2;
        for (ScenarioSpec s : cfg.scenarios()) {
            int cap = CostModels.build(s.profile(), s.model(), s.deployment(), s.decodeBatchCapPerNpu(), s.calibration())
                    .layout().decodeBatchCapPerNpu();
            PublishedReference.atBatch(s, cap, kv).ifPresent(p -> out.put(s.name(), p));
        }
        return out;
    }

    /**
     * Per SLO of the run (a TPOT bound alone), the paper's published best under that bound for the first scenario whose
     * configuration and lengths have published points: what the report marks on its goodput charts.
     */
    static Map<String, PublishedReference.DecodePoint> bySlo(RunConfig cfg) {
        Map<String, PublishedReference.DecodePoint> out = new LinkedHashMap<>();
        if (cfg.workload() != null || cfg.mode() == null || cfg.mode() == EmulationMode.PREFILL_ONLY) return out;
        long kv = cfg.promptTokens() + cfg.outputTokens() / 2;
        for (ScenarioSpec s : cfg.scenarios()) {
            if (PublishedReference.decodePoints(s).isEmpty()) continue;
            for (io.cmbench.jobs.SloSpec slo : cfg.slos()) {
                if (slo.ttftBoundMicros() >= 0) continue;
                PublishedReference.bestWithin(s, slo.tpotBoundMicros() / 1e3, kv).ifPresent(p -> out.put(slo.name(), p));
            }
            break;
        }
        return out;
    }

    /** The summary.json form: scenario (or SLO) to its published point. */
    static Map<String, Object> json(Map<String, PublishedReference.DecodePoint> refs) {
        Map<String, Object> out = new LinkedHashMap<>();
        refs.forEach((name, p) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", p.id());
            m.put("batch_per_npu", p.batchPerNpu());
            m.put("kv_tokens", p.kvTokens());
            m.put("tpot_ms", p.tpotMs());
            m.put("tokens_per_s_per_npu", p.tokensPerSecondPerNpu());
            m.put("source", p.source());
            out.put(name, m);
        });
        return out;
    }

    /** The terminal form: one line per scenario. */
    static Map<String, String> lines(Map<String, PublishedReference.DecodePoint> refs) {
        Map<String, String> out = new LinkedHashMap<>();
        refs.forEach((name, p) -> out.put(name, String.format(java.util.Locale.ROOT,
                "%12.1f   at batch %d/NPU, TPOT %.2f ms (%s)", p.tokensPerSecondPerNpu(), p.batchPerNpu(), p.tpotMs(), p.id())));
        return out;
    }
}
