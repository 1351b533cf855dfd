package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --workload NAME} takes the built-in workloads {@code generate} takes; summary.json names the workload by
 * a stable label, so the same seed and configuration give the same bytes (real broker, MiniCluster).
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuiltinWorkloadRunTest {

    @TempDir
    Path tmp;

    private EmbeddedKafkaBroker broker;

    @BeforeAll
    void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(0, Files.createTempDirectory("cmbench-builtin-"));
    }

    @AfterAll
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private Path run(String prefix) {
        Path out = tmp.resolve(prefix);
        CommandLineErrorsTest.Outcome o = CommandLineErrorsTest.execute("run", "--workload", "chat-1k-1k", "--duration", "3",
                "--window", "1", "--parallelism", "1", "--quiet", "--bootstrap", broker.bootstrapServers(),
                "--topic-prefix", prefix, "--out", out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        return out;
    }

    @Test
    void aBuiltInWorkloadRunsAndItsSummaryIsTheSameBytesEachTime() throws Exception {
        Path first = run("builtin-a");
        Path second = run("builtin-b");
        JsonNode summary = new ObjectMapper().readTree(first.resolve("summary.json").toFile());
        assertThat(summary.path("config").path("workload").asText()).isEqualTo("builtin:chat-1k-1k");
        assertThat(summary.path("config").path("duration_s").asDouble()).isEqualTo(3.0);
        assertThat(summary.path("requests").asLong()).as("chat-1k-1k: about 20 requests/s for 3 s").isBetween(30L, 100L);
        assertThat(summary.path("completions").asLong()).isEqualTo(summary.path("requests").asLong());
        assertThat(Files.readAllBytes(second.resolve("summary.json"))).isEqualTo(Files.readAllBytes(first.resolve("summary.json")));
        assertThat(Files.readAllBytes(second.resolve("completions.jsonl")))
                .isEqualTo(Files.readAllBytes(first.resolve("completions.jsonl")));
    }
}
