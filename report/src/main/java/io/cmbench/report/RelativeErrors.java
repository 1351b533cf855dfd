package io.cmbench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The headline figures of a measured and an emulated scenario side by side, each with the emulation's relative error
 * (emulated − measured) / measured: output tok/s per NPU, goodput per NPU under each SLO, TTFT and TPOT p50/p90/p99
 * (all over each run's steady state). The error is undefined (NaN) where the measured figure is 0.
 */
final class RelativeErrors {
    private RelativeErrors() {}

    /** One figure of both runs; {@code unit} as shown after the values. */
    record Row(String figure, String unit, double measured, double emulated) {
        double relativeError() {
            return measured == 0 ? Double.NaN : (emulated - measured) / measured;
        }
    }

    /** The rows for these SLOs (an SLO one of the runs lacks is left out). */
    static List<Row> rows(RunData.ScenarioSummary measured, RunData.ScenarioSummary emulated, List<String> slos) {
        List<Row> out = new ArrayList<>();
        out.add(new Row("output", "tok/s/NPU", measured.outputTokensPerSecPerNpu(), emulated.outputTokensPerSecPerNpu()));
        for (String slo : slos) {
            RunData.SloCell m = measured.slos().get(slo);
            RunData.SloCell e = emulated.slos().get(slo);
            if (m != null && e != null) {
                out.add(new Row("goodput @" + slo, "tok/s/NPU", m.goodputTokensPerSecPerNpu(), e.goodputTokensPerSecPerNpu()));
            }
        }
        latency(out, "TTFT", measured.ttft(), emulated.ttft());
        latency(out, "TPOT", measured.tpot(), emulated.tpot());
        return out;
    }

    private static void latency(List<Row> out, String name, RunData.Latency m, RunData.Latency e) {
        out.add(new Row(name + " p50", "ms", m.p50Ms(), e.p50Ms()));
        out.add(new Row(name + " p90", "ms", m.p90Ms(), e.p90Ms()));
        out.add(new Row(name + " p99", "ms", m.p99Ms(), e.p99Ms()));
    }

    /** "+12.3 %", "−4.0 %", "–" when undefined. */
    static String format(double relativeError) {
        if (!Double.isFinite(relativeError)) {
            return "–";
        }
        String v = Fmt.num(Math.abs(relativeError) * 100, 1);
        if (v.equals("0.0")) {
            return "0.0 %";
        }
        return (relativeError > 0 ? "+" : "−") + v + " %";
    }
}
