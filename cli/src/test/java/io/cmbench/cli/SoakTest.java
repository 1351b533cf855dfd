package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI's version of the live soak: {@code cmbench bench soak --minutes 2} on a local standalone cluster it starts
 * (Kafka, a JobManager, two TaskManagers as separate JVMs), the paper's 50 ms operating point paced at real time,
 * checkpointing on. Nothing lost or duplicated against the generator, every window on the live topic within twice its
 * length of wall-clock time. The heap and checkpoint slopes are reported, not judged: over two minutes the decode pool
 * is still filling (about 25 s) and the young generation's cycles dominate — the 30-minute soak judges them.
 */
@Tag("integration")
@Timeout(value = 12, unit = java.util.concurrent.TimeUnit.MINUTES) // 2 min of pacing, a cluster start, the drain
class SoakTest {
    @TempDir
    Path tmp;

    @Test
    void twoMinutesAtRealTimeLoseAndDuplicateNothingAndEveryWindowIsOnTime() throws Exception {
        CommandLineErrorsTest.Outcome o = CommandLineErrorsTest.execute("bench", "soak", "--minutes", "2", "--json",
                "--out", tmp.resolve("soak").toString());
        JsonNode soak = new ObjectMapper().readTree(tmp.resolve("soak").resolve("soak").resolve("soak.json").toFile());
        Map<String, JsonNode> verdicts = new HashMap<>();
        soak.path("verdicts").forEach(v -> verdicts.put(v.path("criterion").asText(), v));

        assertThat(soak.path("requests").asLong()).as(soak.toPrettyString()).isGreaterThan(100_000); // ~1,256/s x 120 s
        assertThat(verdicts.get("lost completions").path("verdict").asText()).as(soak.toPrettyString()).isEqualTo("pass");
        assertThat(verdicts.get("lost completions").path("measured").asText()).isEqualTo("0");
        assertThat(verdicts.get("duplicated completions").path("verdict").asText()).isEqualTo("pass");
        assertThat(verdicts.get("emulation restarts").path("verdict").asText()).isEqualTo("pass");
        assertThat(verdicts.get("max window lag (wall s)").path("verdict").asText()).as(soak.toPrettyString())
                .isEqualTo("pass");
        assertThat(verdicts.get("windows missing live").path("verdict").asText()).isEqualTo("pass");
        assertThat(soak.path("window_lag_s").size()).isGreaterThanOrEqualTo(10); // 12 windows of 10 s end by 120 s
        assertThat(verdicts.get("heap after GC slope (MB/min, last 2/3)").path("verdict").asText()).isEqualTo("reported");
        assertThat(verdicts.get("checkpoint size slope (MB/min, last 2/3)").path("verdict").asText()).isEqualTo("reported");
        assertThat(soak.path("sampling_problems")).as("heap readable over JMX").isEmpty();
        assertThat(o.code()).as(o.err()).isZero();
    }
}
