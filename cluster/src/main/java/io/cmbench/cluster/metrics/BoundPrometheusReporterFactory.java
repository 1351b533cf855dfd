package io.cmbench.cluster.metrics;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.PortRange;

/**
 * Makes {@link BoundPrometheusReporter}s. Flink finds it through {@code META-INF/services} (in the reporter jar
 * only, not in the cluster module's jar) when the configuration names it:
 *
 * <pre>
 *   metrics.reporter.prom.factory.class: io.cmbench.cluster.metrics.BoundPrometheusReporterFactory
 *   metrics.reporter.prom.port: 9249-9259      # a port or a range; default 9249
 *   metrics.reporter.prom.bind-host: 127.0.0.1 # the address to listen on; default 127.0.0.1, 0.0.0.0 = all
 * </pre>
 */
public class BoundPrometheusReporterFactory implements MetricReporterFactory {
    public static final String ARG_PORT = "port";
    public static final String ARG_BIND_HOST = "bind-host";
    public static final String DEFAULT_PORT = "9249";
    public static final String DEFAULT_BIND_HOST = "127.0.0.1";

    @Override
    public BoundPrometheusReporter createMetricReporter(Properties properties) {
        return new BoundPrometheusReporter(get(properties, ARG_BIND_HOST, DEFAULT_BIND_HOST),
                new PortRange(get(properties, ARG_PORT, DEFAULT_PORT)));
    }

    /** A value as text (Flink's MetricConfig may hold non-String values, e.g. an unquoted port number). */
    private static String get(Properties properties, String key, String fallback) {
        Object v = properties.get(key);
        String s = v == null ? "" : String.valueOf(v).strip();
        return s.isEmpty() ? fallback : s;
    }
}
