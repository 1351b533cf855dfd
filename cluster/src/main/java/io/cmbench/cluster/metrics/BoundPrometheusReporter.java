package io.cmbench.cluster.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Iterator;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.util.PortRange;

/**
 * Flink's Prometheus reporter ({@link AbstractPrometheusReporter}: same metric names, labels and {@code /metrics}
 * page as {@code org.apache.flink.metrics.prometheus.PrometheusReporter}) whose HTTP server listens on one
 * address — {@code bind-host}, 127.0.0.1 unless configured — instead of all interfaces, which is all Flink's
 * own reporter can do. The first free port of the {@code port} range is taken, as Flink's reporter does.
 *
 * <p>Runs inside the JobManager/TaskManager JVMs of the local cluster (jar {@code
 * cluster/target/flink-lib/cmbench-cluster-*-prometheus-reporter.jar}); made by {@link BoundPrometheusReporterFactory}.
 */
public class BoundPrometheusReporter extends AbstractPrometheusReporter {
    private final HTTPServer httpServer;
    private final InetSocketAddress boundAddress;

    /**
     * Starts the HTTP server on {@code bindHost} and the first port of {@code ports} that is free there.
     *
     * @throws IllegalArgumentException {@code bindHost} is not an address of this machine's name service
     * @throws RuntimeException         no port of the range could be bound (as Flink's reporter)
     */
    public BoundPrometheusReporter(String bindHost, PortRange ports) {
        InetAddress address;
        try {
            address = InetAddress.getByName(bindHost);
        } catch (IOException e) {
            throw new IllegalArgumentException("bind-host '" + bindHost + "' of the Prometheus reporter: " + e, e);
        }
        CollectorRegistry registry = registryOf(this);
        HTTPServer server = null;
        InetSocketAddress bound = null;
        IOException last = null;
        for (Iterator<Integer> it = ports.getPortsIterator(); it.hasNext() && server == null; ) {
            int port = it.next();
            try {
                server = new HTTPServer(new InetSocketAddress(address, port), registry);
                bound = new InetSocketAddress(address, server.getPort());
            } catch (IOException e) {
                last = e;
                log.debug("Could not start PrometheusReporter HTTP server on {} port {}.", address.getHostAddress(),
                        port, e);
            }
        }
        if (server == null) {
            throw new RuntimeException("Could not start PrometheusReporter HTTP server on " + address.getHostAddress()
                    + " and any port in " + ports + (last != null ? ": " + last : ""), last);
        }
        this.httpServer = server;
        this.boundAddress = bound;
        // The first part is the line of Flink's own reporter (LocalCluster#prometheusPort reads it).
        log.info("Started PrometheusReporter HTTP server on port {}, bound to {}.", bound.getPort(),
                address.getHostAddress());
    }

    /** The address and port the HTTP server listens on. */
    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    @Override
    public void close() {
        httpServer.stop();
        super.close();
    }

    /**
     * The registry the abstract reporter fills: a package-private field of {@link AbstractPrometheusReporter}
     * (Flink 2.2), read once here. Fails loudly if a Flink upgrade renames it.
     */
    private static CollectorRegistry registryOf(AbstractPrometheusReporter reporter) {
        try {
            Field f = AbstractPrometheusReporter.class.getDeclaredField("registry");
            f.setAccessible(true);
            return (CollectorRegistry) f.get(reporter);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Flink's AbstractPrometheusReporter has no field 'registry' of type "
                    + "CollectorRegistry (it had in Flink 2.2): " + e, e);
        }
    }
}
