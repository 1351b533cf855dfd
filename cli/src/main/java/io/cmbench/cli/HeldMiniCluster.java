package io.cmbench.cli;

import io.cmbench.cluster.rest.FlinkRestClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink MiniCluster the caller holds open, configured as {@link FlinkLocal}'s per-job one (one TaskManager, a
 * slot per subtask, loopback only), so that a finished job can still be asked about through its REST API — a
 * per-job MiniCluster closes as its job ends. Jobs reach it through {@link #environment}, submitted as to any
 * session cluster (its classes are this JVM's, so no jar goes with them).
 */
final class HeldMiniCluster implements AutoCloseable {
    private final MiniCluster cluster;
    private final URI restAddress;
    private final int parallelism;

    private HeldMiniCluster(MiniCluster cluster, URI restAddress, int parallelism) {
        this.cluster = cluster;
        this.restAddress = restAddress;
        this.parallelism = parallelism;
    }

    static HeldMiniCluster start(int parallelism, Path tmpDir) throws Exception {
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(FlinkLocal.configuration(tmpDir)).setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(parallelism).setRpcServiceSharing(RpcServiceSharing.SHARED).build());
        try {
            cluster.start();
            return new HeldMiniCluster(cluster, cluster.getRestAddress().get(1, TimeUnit.MINUTES), parallelism);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** An environment whose jobs run on this cluster, at its parallelism. */
    StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(DeploymentOptions.TARGET, "remote");
        conf.set(DeploymentOptions.ATTACHED, true);
        conf.set(RestOptions.ADDRESS, restAddress.getHost());
        conf.set(RestOptions.PORT, restAddress.getPort());
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        return new StreamExecutionEnvironment(conf);
    }

    FlinkRestClient rest() {
        return new FlinkRestClient(restAddress, Duration.ofSeconds(30));
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
