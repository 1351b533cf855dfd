package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import io.cmbench.loadgen.RequestStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One request with 1,000,000 output tokens among short ones (a real broker and MiniCluster): it finishes thousands of
 * simulated seconds after everything else. The summary names it as still decoding at the end of the drain windows;
 * it does not stretch or shift the steady state (before, a workload run took it for its one drain window and counted
 * the real drain windows as steady).
 */
@Tag("integration")
class LongOutputRunTest {
    private static final int SHORT = 100;
    private static final int LONG_AT = 10;

    @TempDir
    Path tmp;

    @Test
    void aMillionTokenRequestIsReportedNotStretchingTheSteadyState() throws Exception {
        StringBuilder trace = new StringBuilder("TIMESTAMP,ContextTokens,GeneratedTokens\n");
        for (int i = 0; i <= SHORT; i++) {
            trace.append(String.format("%.1f,256,%d%n", i * 0.1, i == LONG_AT ? 1_000_000 : 16));
        }
        Files.writeString(tmp.resolve("trace.csv"), trace);
        Path workload = tmp.resolve("long.yaml");
        Files.writeString(workload, "trace: {format: azure, file: trace.csv}\n");
        Path out = tmp.resolve("out");
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CommandLineErrorsTest.Outcome o;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, Files.createTempDirectory("cmbench-long-"))) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            o = CommandLineErrorsTest.execute("run", "--workload", workload.toString(), "--window", "1",
                    "--parallelism", "1", "--quiet", "--bootstrap", broker.bootstrapServers(), "--topic-prefix", "long",
                    "--out", out.toString());
        } finally {
            System.setOut(stdout);
        }
        assertThat(o.code()).as(o.err()).isZero();
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).path("scenarios").get(0);
        assertThat(s.path("beyondDrainRequests").asLong()).isEqualTo(1);
        assertThat(s.path("beyondDrainRequestIds").get(0).asText()).isEqualTo(RequestStream.requestId(LONG_AT));
        assertThat(s.path("beyondDrainFromMicros").asLong()).as("~1e6 tokens at tens of ms each").isGreaterThan(1_000_000_000L);
        // arrivals end at 10 s: the steady state ends with them, the short requests' drain is not in it
        assertThat(s.path("steadyEndMicros").asLong()).isLessThanOrEqualTo(10_000_000L);
        assertThat(s.path("completedRequests").asLong()).isBetween(80L, (long) SHORT);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("1 request still decoding at the end of the drain windows")
                .contains(RequestStream.requestId(LONG_AT));
    }
}
