package io.cmbench.jobs.analytics;

import io.cmbench.schemas.SloResult;
import io.cmbench.schemas.SloWindow;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * Exposes the headline numbers of the latest window per scenario as Flink metrics (scraped by Prometheus:
 * key-value groups become labels {@code scenario} and {@code slo}). A pass-through: records are unchanged.
 *
 * <p>Gauges: {@code outputTokensPerSecPerNpu}, {@code completedRequests}, {@code tpotP99Micros},
 * {@code ttftP99Micros} per scenario; {@code goodputTokensPerSecPerNpu}, {@code attainment} per scenario and SLO.
 * "Latest" is by window start, so a re-fired older window does not move them back.
 */
public class SloMetrics extends RichMapFunction<SloWindow, SloWindow> {
    private static final long serialVersionUID = 1L;

    private transient Map<String, SloWindow> latest;
    private transient Map<String, MetricGroup> registered;

    @Override
    public void open(OpenContext ctx) {
        latest = new HashMap<>();
        registered = new HashMap<>();
    }

    @Override
    public SloWindow map(SloWindow w) {
        String scenario = w.getScenario();
        SloWindow prev = latest.get(scenario);
        if (prev == null || w.getWindowStartMicros() >= prev.getWindowStartMicros()) {
            latest.put(scenario, w);
        }
        if (!registered.containsKey(scenario)) {
            MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("scenario", scenario);
            g.gauge("outputTokensPerSecPerNpu", (Gauge<Double>) () -> latest.get(scenario).getOutputTokensPerSecPerNpu());
            g.gauge("completedRequests", (Gauge<Long>) () -> latest.get(scenario).getCompletedRequests());
            g.gauge("tpotP99Micros", (Gauge<Long>) () -> latest.get(scenario).getTpot().getP99Micros());
            g.gauge("ttftP99Micros", (Gauge<Long>) () -> latest.get(scenario).getTtft().getP99Micros());
            registered.put(scenario, g);
        }
        for (SloResult r : w.getSlos()) {
            String key = scenario + "\u0000" + r.getName();
            if (!registered.containsKey(key)) {
                String slo = r.getName();
                MetricGroup g = registered.get(scenario).addGroup("slo", slo);
                g.gauge("goodputTokensPerSecPerNpu", (Gauge<Double>) () -> slo(scenario, slo).getGoodputTokensPerSecPerNpu());
                g.gauge("attainment", (Gauge<Double>) () -> slo(scenario, slo).getAttainment());
                registered.put(key, g);
            }
        }
        return w;
    }

    private SloResult slo(String scenario, String name) {
        for (SloResult r : latest.get(scenario).getSlos()) {
            if (r.getName().equals(name)) {
                return r;
            }
        }
        throw new IllegalStateException("no SLO " + name + " in the latest window of " + scenario);
    }
}
