package io.cmbench.cli;

import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A Flink MiniCluster environment with every endpoint bound to 127.0.0.1 and temp files under the run dir. */
final class FlinkLocal {
    private FlinkLocal() {}

    static StreamExecutionEnvironment environment(int parallelism, Path tmpDir) {
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, configuration(tmpDir));
    }

    /** The MiniCluster's configuration: loopback only, temp files under {@code tmpDir}. */
    static Configuration configuration(Path tmpDir) {
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
        return conf;
    }
}
