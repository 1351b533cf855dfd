package io.cmbench.cli;

import io.cmbench.cluster.rest.FlinkRestClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.graph.StreamGraph;
import java.util.stream.Stream;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink MiniCluster the caller holds open, configured as {@link FlinkLocal}'s per-job one (one TaskManager, a
 * slot per subtask, loopback only), so that a finished job can still be asked about through its REST API — a
 * per-job MiniCluster closes as its job ends — and so that one run's jobs share one cluster start. Jobs reach it
 * through {@link #environment}, in this JVM (its classes are this JVM's, so no jar goes with them).
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
                .setConfiguration(FlinkLocal.configuration(parallelism, tmpDir)).setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(parallelism).setRpcServiceSharing(RpcServiceSharing.SHARED).build());
        try {
            cluster.start();
            return new HeldMiniCluster(cluster, cluster.getRestAddress().get(1, TimeUnit.MINUTES), parallelism);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * An environment whose jobs run on this cluster, at its parallelism. Jobs go to the cluster in this JVM, as Flink's
     * own local executor hands them to its per-job MiniCluster: through REST, an attached client polls for the job's
     * end with a back-off of up to 2 s.
     */
    StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(DeploymentOptions.TARGET, EXECUTOR);
        conf.set(DeploymentOptions.ATTACHED, true);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        PipelineExecutor executor = (pipeline, config, classLoader) -> {
            StreamGraph graph = PipelineExecutorUtils.getStreamGraph(pipeline, config);
            graph.serializeUserDefinedInstances();
            return cluster.submitJob(graph).thenApply(submitted -> new MiniClusterJobClient(submitted.getJobID(),
                    cluster, classLoader, MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
        };
        PipelineExecutorFactory factory = new PipelineExecutorFactory() {
            @Override public String getName() { return EXECUTOR; }
            @Override public boolean isCompatibleWith(Configuration c) { return true; }
            @Override public PipelineExecutor getExecutor(Configuration c) { return executor; }
        };
        PipelineExecutorServiceLoader loader = new PipelineExecutorServiceLoader() {
            @Override public PipelineExecutorFactory getExecutorFactory(Configuration c) { return factory; }
            @Override public Stream<String> getExecutorNames() { return Stream.of(EXECUTOR); }
        };
        return new StreamExecutionEnvironment(loader, conf, HeldMiniCluster.class.getClassLoader());
    }

    private static final String EXECUTOR = "cmbench-held-minicluster";

    FlinkRestClient rest() {
        return new FlinkRestClient(restAddress, Duration.ofSeconds(30));
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
