package io.cmbench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** The `cluster` command's usage errors, and the start/status/stop paths that need no running cluster. */
@Tag("integration")
class ClusterCommandTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "start --taskmanagers 0            | --taskmanagers: must be between 1 and 16, got '0'",
            "start --slots 100                 | --slots: must be between 1 and 64, got '100'",
            "start --kafka-port 70000          | --kafka-port: must be a port between 1 and 65535 (or 0), got '70000'",
            "start --rest-port -1              | --rest-port: must be a port between 1 and 65535 (or 0), got '-1'",
            "start --kafka-port 9000 --rest-port 9000 | --rest-port: must differ from --kafka-port, got '9000'",
            "start --taskmanager-memory lots   | --taskmanager-memory: must be a size like 1280m or 2g, got 'lots'",
            "start --prometheus-ports x-y      | --prometheus-ports: must be a port or a range like 9249-9259, got 'x-y'",
            "start --prometheus-bind-host 203.0.113.7 | --prometheus-bind-host: must be an address of this machine (127.0.0.1, 0.0.0.0, ...), got '203.0.113.7'",
            "start --sasl-credentials /no/such | --sasl-credentials: no such file, got '/no/such'",
            "start --slots two                 | --slots",
            "start --nope                      | Unknown option: '--nope'",
    })
    void badUsageIsOneLineNamingTheOptionAndExitCode2(String args, String expected) {
        Cli.Result r = Cli.run(args.trim().split("\\s+"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().findFirst().orElse("")).startsWith("cmbench: ").contains(expected.trim());
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void statusOfNothingIsDownAndStopIsIdempotent() throws Exception {
        Path dir = TestSupport.clusterDir("never-started");
        Cli.Result status = Cli.run("status", "--dir", dir.toString());
        assertThat(status.code()).isEqualTo(ClusterCommand.EXIT_DOWN);
        assertThat(status.out()).contains("DOWN");
        Cli.Result stop = Cli.run("stop", "--dir", dir.toString());
        assertThat(stop.code()).isZero();
        assertThat(stop.out()).contains("nothing running");
    }

    @Test
    void aPortInUseFailsClearlyAndStartsNothing() throws Exception {
        Path dir = TestSupport.clusterDir("port-in-use");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> LocalCluster.start(ClusterSpec.ephemeral(dir).withKafkaPort(port)))
                    .isInstanceOf(ClusterStartException.class)
                    .hasMessage("--kafka-port " + port + ": port already in use on 127.0.0.1");

            Cli.Result r = Cli.run("start", "--dir", dir.toString(), "--kafka-port", "0",
                    "--rest-port", String.valueOf(port));
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("--rest-port " + port + ": port already in use on 127.0.0.1");
        }
        assertThat(new io.cmbench.cluster.process.ClusterProcesses(dir).running()).isEmpty();
        assertThat(Files.exists(dir.resolve("pids"))).isFalse();
    }

    @Test
    void aFailedStartNamesTheCauseAndLeavesNothingRunning() throws Exception {
        Path dir = TestSupport.clusterDir("bad-memory");
        Cli.Result r = Cli.run("start", "--dir", dir.toString(), "--kafka-port", "0", "--rest-port", "0",
                "--no-prometheus", "--taskmanager-memory", "100m");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("cmbench: cluster start failed: the taskmanager memory settings are not valid");
        assertThat(new io.cmbench.cluster.process.ClusterProcesses(dir).running()).isEmpty();
        assertThat(Cli.run("status", "--dir", dir.toString()).code()).isEqualTo(ClusterCommand.EXIT_DOWN);
    }
}
