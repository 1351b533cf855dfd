package io.cmbench.cli;

import java.nio.file.Path;
import io.cmbench.cluster.metrics.BoundPrometheusReporterFactory;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A Flink MiniCluster environment with every endpoint bound to 127.0.0.1 and temp files under the run dir. */
final class FlinkLocal {
    private FlinkLocal() {}

    static StreamExecutionEnvironment environment(int parallelism, Path tmpDir) {
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, configuration(parallelism, tmpDir));
    }

    /**
     * As {@link #environment(int, Path)}, with the MiniCluster's Flink metrics (its JobManager's and TaskManager's) on a
     * Prometheus endpoint, {@code http://127.0.0.1:PORT/metrics}: cmbench's reporter, as on the local cluster.
     */
    static StreamExecutionEnvironment environment(int parallelism, Path tmpDir, int prometheusPort) {
        Configuration conf = configuration(parallelism, tmpDir);
        conf.set(reporterOption("factory.class"), BoundPrometheusReporterFactory.class.getName());
        conf.set(reporterOption(BoundPrometheusReporterFactory.ARG_PORT), Integer.toString(prometheusPort));
        conf.set(reporterOption(BoundPrometheusReporterFactory.ARG_BIND_HOST), "127.0.0.1");
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }

    private static ConfigOption<String> reporterOption(String key) {
        return ConfigOptions.key("metrics.reporter.prom." + key).stringType().noDefaultValue();
    }

    /**
     * Network buffers per parallelism squared. Every all-to-all exchange needs buffers per pair of subtasks, so what a
     * job needs grows with the square of its parallelism; the MiniCluster's fixed 64 MB (2,048 buffers of 32 KB) ran
     * out above 16 ("Insufficient number of network buffers"). Measured with {@code bench pipeline --duration 5}:
     * decode-only needed ≤ 128 MB at 32 and 256–512 MB at 64, full mode 128–256 MB at 32 and 512 MB–1 GB at 64,
     * i.e. at most 8 buffers per parallelism squared.
     */
    static final int BUFFERS_PER_PARALLELISM_SQUARED = 8;
    private static final MemorySize MIN_NETWORK_MEMORY = MemorySize.parse("64m");

    /** Network memory of the one MiniCluster TaskManager that runs every subtask at {@code parallelism}. */
    static MemorySize networkMemory(int parallelism) {
        long bytes = (long) parallelism * parallelism * BUFFERS_PER_PARALLELISM_SQUARED
                * TaskManagerOptions.MEMORY_SEGMENT_SIZE.defaultValue().getBytes();
        return new MemorySize(Math.max(MIN_NETWORK_MEMORY.getBytes(), bytes));
    }

    /**
     * The MiniCluster's configuration: loopback only, temp files under {@code tmpDir}, network memory for
     * {@code parallelism}.
     */
    static Configuration configuration(int parallelism, Path tmpDir) {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(CoreOptions.TMP_DIRS, tmpDir.toAbsolutePath().toString());
        // the web front end's upload dir defaults to java.io.tmpdir: under the run dir it goes with the run
        conf.set(org.apache.flink.configuration.WebOptions.TMP_DIR, tmpDir.toAbsolutePath().toString());
        MemorySize network = networkMemory(parallelism);
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, network);
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, network);
        return conf;
    }
}
