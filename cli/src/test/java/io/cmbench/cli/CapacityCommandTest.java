package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cmbench capacity} on a small deployment (one 16-NPU prefill instance, one 32-NPU decode instance) through a
 * real broker and MiniCluster, checked against the completions themselves: each probed rate's steady-state attainment
 * and late completion rate are recomputed from completions.jsonl, the probes serve nested shares of one traffic, and
 * the answer is the highest probe that meets the target and keeps up; a second search at parallelism 1 writes the same
 * JSON.
 */
@Tag("integration")
class CapacityCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void theAnswerIsTheHighestProbeWhoseCompletionsMeetTheTarget() throws Exception {
        Path out = tmp.resolve("cap");
        int code = Main.execute("capacity", "--prefill-npus", "16", "--decode-npus", "32", "--prompt-tokens", "1024",
                "--output-tokens", "32", "--slo", "ttft500+tpot50", "--per-request", "--json", "--out", out.toString());
        assertThat(code).isZero();
        JsonNode r = JSON.readTree(out.resolve("capacity.json").toFile());
        assertThat(r.path("split").path("label").asText()).isEqualTo("1x16+1x32");
        assertThat(Files.exists(out.resolve("report.html"))).isTrue();
        double target = r.path("attainment_target").asDouble();
        long ttftBound = 500_000;
        long tpotBound = 50_000;

        double best = 0;
        int checked = 0;
        for (Path stage : Files.list(out).filter(p -> p.getFileName().toString().startsWith("stage-")).sorted().toList()) {
            JsonNode summary = JSON.readTree(stage.resolve("summary.json").toFile());
            double windowMicros = summary.path("config").path("window_s").asDouble() * 1e6;
            Map<String, long[]> counts = new HashMap<>();   // scenario -> {steady, good, late}
            Map<String, Set<String>> ids = new HashMap<>();
            Map<String, JsonNode> steady = new HashMap<>();
            summary.path("scenarios").forEach(s -> steady.put(s.path("scenario").asText(), s));
            try (BufferedReader in = Files.newBufferedReader(stage.resolve("completions.jsonl"))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    JsonNode c = JSON.readTree(line);
                    String sc = c.path("scenario").asText();
                    ids.computeIfAbsent(sc, k -> new HashSet<>()).add(c.path("requestId").asText());
                    JsonNode s = steady.get(sc);
                    long start = s.path("steadyStartMicros").asLong();
                    long end = s.path("steadyEndMicros").asLong();
                    long last = c.path("lastTokenMicros").asLong();
                    if (last < start || last >= end) continue;
                    long[] k = counts.computeIfAbsent(sc, x -> new long[3]);
                    k[0]++;
                    long ttft = c.path("firstTokenMicros").asLong() - c.path("arrivalTimeMicros").asLong();
                    long n = c.path("outputTokens").asLong();
                    boolean good = ttft <= ttftBound && (n < 2
                            || c.path("lastTokenMicros").asLong() - c.path("firstTokenMicros").asLong() <= tpotBound * (n - 1));
                    if (good) k[1]++;
                    long windows = Math.round((end - start) / windowMicros);
                    if (last >= start + (windows / 2) * windowMicros) k[2]++;
                }
            }
            for (JsonNode p : r.path("probes")) {
                if (p.path("stage").asInt() != Integer.parseInt(stage.getFileName().toString().substring(6))) continue;
                double rate = p.path("requests_per_s").asDouble();
                String name = String.format(java.util.Locale.ROOT, "rate-%010.2f", rate);
                long[] k = counts.get(name);
                JsonNode s = steady.get(name);
                long start = s.path("steadyStartMicros").asLong();
                long end = s.path("steadyEndMicros").asLong();
                long windows = Math.round((end - start) / windowMicros);
                double lateSeconds = (windows - windows / 2) * windowMicros / 1e6;
                double attainment = (double) k[1] / k[0];
                double lateRate = k[2] / lateSeconds;
                assertThat(p.path("attainment").asDouble()).as("attainment of %s", name).isCloseTo(attainment, within(1e-12));
                assertThat(p.path("late_completed_per_s").asDouble()).as("late rate of %s", name).isCloseTo(lateRate, within(1e-9));
                boolean keepsUp = lateRate >= rate * (1 - CapacityProbe.keepUpTolerance(k[2]));
                boolean meets = keepsUp && attainment >= target;
                assertThat(p.path("meets_target").asBoolean()).as("verdict of %s", name).isEqualTo(meets);
                if (meets) best = Math.max(best, rate);
                checked++;
            }
            // every probe serves a nested share of the stage's one traffic
            var names = ids.keySet().stream().sorted().toList();
            for (int i = 1; i < names.size(); i++) {
                assertThat(ids.get(names.get(i))).as("%s within %s", names.get(i - 1), names.get(i))
                        .containsAll(ids.get(names.get(i - 1)));
            }
        }
        assertThat(checked).isEqualTo(r.path("probes").size()).isGreaterThanOrEqualTo(6);
        double answer = best;
        assertThat(answer).isPositive();
        assertThat(r.path("max_requests_per_s").asDouble()).isEqualTo(answer);
        // the search found the edge: something above the answer missed, and the answer is near the model's bracket
        assertThat(r.path("probes")).anySatisfy(p -> assertThat(p.path("requests_per_s").asDouble()).isGreaterThan(answer));
        assertThat(r.path("bottleneck").asText()).isIn("prefill", "decode");
        assertThat(r.path("model_vs_measured").asDouble()).isBetween(-0.25, 0.25);

        // deterministic: the same seed gives the same answer and the same JSON, whatever the parallelism
        Path again = tmp.resolve("again");
        assertThat(Main.execute("capacity", "--prefill-npus", "16", "--decode-npus", "32", "--prompt-tokens", "1024",
                "--output-tokens", "32", "--slo", "ttft500+tpot50", "--parallelism", "1", "--json", "--out",
                again.toString())).isZero();
        assertThat(Files.readString(again.resolve("capacity.json"))).isEqualTo(Files.readString(out.resolve("capacity.json")));
    }
}
