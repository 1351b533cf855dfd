package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code cmbench ingest} on each tool's result file, as the tool writes it (the fixtures of src/test/resources/ingest),
 * through the real embedded broker and the analytics on a MiniCluster, gives byte for byte the windows of the same
 * requests in cmbench's own format; the failed requests are left out and counted in summary.json. The vLLM run is also
 * compared (--compare) with the cmbench-format run: every relative error is 0.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestNativeFormatsTest {

    @TempDir
    Path tmp;

    static Path fixture(String name) {
        try {
            return Path.of(IngestNativeFormatsTest.class.getResource("/ingest/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path ingest(String name, String... extra) {
        Path out = tmp.resolve(name.replace('.', '-'));
        List<String> args = new ArrayList<>(List.of("ingest", fixture(name).toString(), "--decode-npus", "4", "--window", "2",
                "--out", out.toString()));
        args.addAll(List.of(extra));
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args.toArray(String[]::new));
        assertThat(code).as("exit code of %s; stderr:%n%s", args, err).isZero();
        return out;
    }

    @ParameterizedTest
    @CsvSource({
            "vllm-result.json,         vllm-as-cmbench.jsonl,    vllm,     ",
            "sglang-results.jsonl,     sglang-as-cmbench.jsonl,  sglang,   1",
            "guidellm-benchmarks.json, guidellm-as-cmbench.jsonl, guidellm, ",
    })
    void aToolsResultFileGivesTheWindowsOfTheSameRequestsInCmbenchsFormat(String file, String cmbench, String format,
                                                                           String result) throws Exception {
        boolean vllm = format.equals("vllm");
        Path expected = ingest(cmbench);
        List<String> extra = new ArrayList<>();
        if (result != null) {
            extra.addAll(List.of("--result", result));
        }
        if (vllm) {
            extra.addAll(List.of("--compare", expected.toString()));
        }
        Path actual = ingest(file, extra.toArray(String[]::new));

        String windows = Files.readString(actual.resolve("slo-windows.jsonl"));
        assertThat(windows.lines().count()).as("windows of 2 s over ~10 s of requests").isGreaterThan(3);
        assertThat(windows).isEqualTo(Files.readString(expected.resolve("slo-windows.jsonl")));

        JsonNode input = new ObjectMapper().readTree(actual.resolve("summary.json").toFile()).path("measured_input");
        assertThat(input.path("format").asText()).isEqualTo(format);
        assertThat(input.path("requests").asInt()).isEqualTo(30);
        assertThat(input.path("failed_requests_left_out").asInt()).isEqualTo(2);
        assertThat(new ObjectMapper().readTree(actual.resolve("summary.json").toFile()).path("completions").asInt()).isEqualTo(30);

        if (vllm) {
            String html = Files.readString(actual.resolve(IngestCommand.COMPARE_FILE));
            Matcher m = Pattern.compile("<td class=\"num rel-error\">([^<]*)</td>").matcher(html);
            List<String> errors = new ArrayList<>();
            while (m.find()) {
                errors.add(m.group(1));
            }
            // output, goodput@tpot15, goodput@tpot50, TTFT and TPOT p50/p90/p99
            assertThat(errors).hasSize(9).allMatch(e -> e.equals("0.0 %"));
        }
    }
}
