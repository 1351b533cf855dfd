package io.cmbench.cluster.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.cluster.OtherLocalAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Properties;
import org.apache.flink.metrics.MetricConfig;
import org.junit.jupiter.api.Test;

/** The reporter in this JVM: where its HTTP server listens, with the default and with an explicit bind-host. */
class BoundPrometheusReporterTest {

    @Test
    void byDefaultItListensOnLoopbackOnly() throws Exception {
        BoundPrometheusReporter r = new BoundPrometheusReporterFactory().createMetricReporter(config("0", null));
        try {
            assertThat(r.boundAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            int port = r.boundAddress().getPort();
            assertThat(get("127.0.0.1", port)).isEqualTo(200);
            List<InetAddress> others = OtherLocalAddresses.reachableByAWildcardListener();
            for (InetAddress a : others) {
                assertThat(OtherLocalAddresses.connects(a, port)).as("reporter reachable on " + a).isFalse();
            }
        } finally {
            r.close();
        }
        assertThat(OtherLocalAddresses.connects(InetAddress.getLoopbackAddress(), r.boundAddress().getPort()))
                .as("closed").isFalse();
    }

    @Test
    void bindHostZeroListensOnEveryInterface() throws Exception {
        // the opt-out (and a check of the probe: a wildcard listener IS reachable on the other addresses)
        BoundPrometheusReporter r = new BoundPrometheusReporterFactory().createMetricReporter(config("0", "0.0.0.0"));
        try {
            int port = r.boundAddress().getPort();
            assertThat(get("127.0.0.1", port)).isEqualTo(200);
            for (InetAddress a : OtherLocalAddresses.reachableByAWildcardListener()) {
                assertThat(OtherLocalAddresses.connects(a, port)).as("reporter reachable on " + a).isTrue();
            }
        } finally {
            r.close();
        }
    }

    @Test
    void takesTheFirstFreePortOfTheRangeOnItsAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int p = taken.getLocalPort();
            BoundPrometheusReporter r = null;
            try {
                r = new BoundPrometheusReporterFactory().createMetricReporter(config(p + "-" + (p + 50), null));
                assertThat(r.boundAddress().getPort()).isGreaterThan(p).isLessThanOrEqualTo(p + 50);
            } finally {
                if (r != null) {
                    r.close();
                }
            }
            assertThatThrownBy(() -> new BoundPrometheusReporterFactory().createMetricReporter(config("" + p, null)))
                    .hasMessageContaining("Could not start PrometheusReporter HTTP server on 127.0.0.1");
        }
    }

    private static Properties config(String port, String bindHost) {
        MetricConfig c = new MetricConfig();
        c.setProperty(BoundPrometheusReporterFactory.ARG_PORT, port);
        if (bindHost != null) {
            c.setProperty(BoundPrometheusReporterFactory.ARG_BIND_HOST, bindHost);
        }
        return c;
    }

    private static int get(String host, int port) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port
                + "/metrics")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
