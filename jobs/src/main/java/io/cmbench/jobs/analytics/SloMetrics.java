package io.cmbench.jobs.analytics;

import io.cmbench.schemas.LatencySummary;
import io.cmbench.schemas.SloResult;
import io.cmbench.schemas.SloWindow;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * Exposes the headline numbers of the latest window per scenario as Flink metrics (scraped by Prometheus:
 * key-value groups become labels {@code scenario} and {@code slo}). A pass-through: records are unchanged.
 *
 * <p>Gauges: {@code outputTokensPerSecPerNpu}, {@code prefillTokensPerSecPerNpu}, {@code completedRequests},
 * {@code tpotP50Micros}, {@code tpotP90Micros}, {@code tpotP99Micros}, {@code ttftP50Micros}, {@code ttftP90Micros},
 * {@code ttftP99Micros} per scenario (the percentiles are the window's, from its merged HdrHistograms);
 * {@code goodputTokensPerSecPerNpu}, {@code attainment} per scenario and SLO.
 * "Latest" is by window start, so a re-fired older window does not move them back.
 *
 * <p>The job runs with object reuse, so the incoming record may be overwritten once this function returns: the
 * numbers are copied out into an immutable {@link Latest}. Gauges are read by the metric reporter's thread: the
 * copies are published through a concurrent map.
 */
public class SloMetrics extends RichMapFunction<SloWindow, SloWindow> {
    private static final long serialVersionUID = 2L;

    /** The numbers of one window, copied out of the record. */
    record Latest(long windowStartMicros, double outputTokensPerSecPerNpu, double prefillTokensPerSecPerNpu,
                  long completedRequests, Percentiles tpot, Percentiles ttft, Map<String, SloNumbers> slos) {
        static Latest of(SloWindow w) {
            Map<String, SloNumbers> slos = new HashMap<>();
            for (SloResult r : w.getSlos()) {
                slos.put(r.getName(), new SloNumbers(r.getGoodputTokensPerSecPerNpu(), r.getAttainment()));
            }
            return new Latest(w.getWindowStartMicros(), w.getOutputTokensPerSecPerNpu(), w.getPrefillTokensPerSecPerNpu(),
                    w.getCompletedRequests(), Percentiles.of(w.getTpot()), Percentiles.of(w.getTtft()), Map.copyOf(slos));
        }
    }

    /** The percentiles of one latency of the window, copied out of its summary. */
    record Percentiles(long p50Micros, long p90Micros, long p99Micros) {
        static Percentiles of(LatencySummary s) {
            return new Percentiles(s.getP50Micros(), s.getP90Micros(), s.getP99Micros());
        }
    }

    record SloNumbers(double goodputTokensPerSecPerNpu, double attainment) {}

    private transient Map<String, Latest> latest;
    private transient Set<String> registered;

    @Override
    public void open(OpenContext ctx) {
        latest = new ConcurrentHashMap<>();
        registered = new HashSet<>();
    }

    @Override
    public SloWindow map(SloWindow w) {
        record(w, getRuntimeContext().getMetricGroup());
        return w;
    }

    /** Keeps {@code w}'s numbers if it is the scenario's latest window and registers gauges for what is new. */
    void record(SloWindow w, MetricGroup root) {
        String scenario = w.getScenario();
        Latest now = Latest.of(w);
        latest.merge(scenario, now, (prev, next) -> next.windowStartMicros() >= prev.windowStartMicros() ? next : prev);
        if (registered.add(scenario)) {
            MetricGroup g = root.addGroup("scenario", scenario);
            g.gauge("outputTokensPerSecPerNpu", (Gauge<Double>) () -> latest.get(scenario).outputTokensPerSecPerNpu());
            g.gauge("prefillTokensPerSecPerNpu", (Gauge<Double>) () -> latest.get(scenario).prefillTokensPerSecPerNpu());
            g.gauge("completedRequests", (Gauge<Long>) () -> latest.get(scenario).completedRequests());
            g.gauge("tpotP50Micros", (Gauge<Long>) () -> latest.get(scenario).tpot().p50Micros());
            g.gauge("tpotP90Micros", (Gauge<Long>) () -> latest.get(scenario).tpot().p90Micros());
            g.gauge("tpotP99Micros", (Gauge<Long>) () -> latest.get(scenario).tpot().p99Micros());
            g.gauge("ttftP50Micros", (Gauge<Long>) () -> latest.get(scenario).ttft().p50Micros());
            g.gauge("ttftP90Micros", (Gauge<Long>) () -> latest.get(scenario).ttft().p90Micros());
            g.gauge("ttftP99Micros", (Gauge<Long>) () -> latest.get(scenario).ttft().p99Micros());
        }
        for (String slo : now.slos().keySet()) {
            if (registered.add(scenario + "\u0000" + slo)) {
                MetricGroup g = root.addGroup("scenario", scenario).addGroup("slo", slo);
                g.gauge("goodputTokensPerSecPerNpu", (Gauge<Double>) () -> slo(scenario, slo).goodputTokensPerSecPerNpu());
                g.gauge("attainment", (Gauge<Double>) () -> slo(scenario, slo).attainment());
            }
        }
    }

    private SloNumbers slo(String scenario, String name) {
        SloNumbers n = latest.get(scenario).slos().get(name);
        if (n == null) throw new IllegalStateException("no SLO " + name + " in the latest window of " + scenario);
        return n;
    }
}
