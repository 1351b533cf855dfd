package io.cmbench.cli.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fixtures (src/test/resources/ingest, written by its make-fixtures.py) hold the same requests in each tool's format
 * and in cmbench's: read and rebased, they are the same rows; the failed requests are counted, not read.
 */
class NativeFormatsTest {

    @TempDir
    Path tmp;

    static Path fixture(String name) {
        try {
            return Path.of(NativeFormatsTest.class.getResource("/ingest/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The times rebased to the first arrival, without the ids (the array formats number their requests). */
    record Rebased(long arrival, long first, long last, int prompt, int output) {}

    static List<Rebased> rebased(MeasuredRun run) {
        long origin = run.requests().stream().mapToLong(MeasuredRequest::arrivalMicros).min().orElseThrow();
        return run.requests().stream().map(r -> new Rebased(r.arrivalMicros() - origin, r.firstTokenMicros() - origin,
                r.lastTokenMicros() - origin, r.promptTokens(), r.outputTokens())).toList();
    }

    @ParameterizedTest
    @CsvSource({
            "vllm-result.json,         VLLM,     , vllm-as-cmbench.jsonl",
            "sglang-results.jsonl,     SGLANG,  1, sglang-as-cmbench.jsonl",
            "guidellm-benchmarks.json, GUIDELLM, , guidellm-as-cmbench.jsonl",
            "guidellm-benchmarks.yaml, GUIDELLM, , guidellm-as-cmbench.jsonl",
    })
    void eachFormatGivesTheRowsOfTheCmbenchFile(String file, IngestFormat format, Integer result, String cmbench)
            throws Exception {
        assertThat(FormatDetector.detect(fixture(file))).isEqualTo(format);
        assertThat(FormatDetector.detect(fixture(cmbench))).isEqualTo(IngestFormat.CMBENCH);
        MeasuredRun run = format.read(fixture(file), result);
        MeasuredRun expected = IngestFormat.CMBENCH.read(fixture(cmbench), null);
        assertThat(run.requests()).hasSize(30);
        assertThat(rebased(run)).containsExactlyElementsOf(rebased(expected));
        assertThat(run.failedRequests()).isEqualTo(2);
        assertThat(run.firstFailure()).contains("Internal Server Error");
        assertThat(expected.failedRequests()).isZero();
    }

    @Test
    void arrayFormatsNumberTheirRequestsAndGuideLlmKeepsItsIds() throws Exception {
        MeasuredRun vllm = IngestFormat.VLLM.read(fixture("vllm-result.json"), null);
        assertThat(vllm.requests().get(0).requestId()).isEqualTo("0");
        assertThat(vllm.requests().get(7).requestId()).as("request 7 failed").isEqualTo("8");
        assertThat(vllm.arrivals()).contains("start_times");
        MeasuredRun guide = IngestFormat.GUIDELLM.read(fixture("guidellm-benchmarks.json"), null);
        assertThat(guide.requests().get(0).requestId()).isEqualTo("5f0c0000-2c1e-4d8a-9b7e-000000000000");
        assertThat(guide.firstFailure()).startsWith("errored request 5f0c0007");
    }

    @Test
    void sglangArrivalsAreReconstructedFromItsRateAndConcurrency() throws Exception {
        MeasuredRun run = IngestFormat.SGLANG.read(fixture("sglang-results.jsonl"), 1);
        assertThat(run.arrivals()).contains("reconstructed").contains("4.0/s").contains("max_concurrency 8");
        // request 1 is due at 1 / 4.0 s, before 8 requests are in flight
        assertThat(run.requests().get(1).arrivalMicros()).isEqualTo(250_000);
    }

    @Test
    void aFileOfSeveralResultsNeedsResult() {
        assertThatThrownBy(() -> IngestFormat.SGLANG.read(fixture("sglang-results.jsonl"), null))
                .hasMessage(fixture("sglang-results.jsonl") + ":2: (file): holds 2 results; choose one with --result 0..1, got none");
        assertThatThrownBy(() -> IngestFormat.SGLANG.read(fixture("sglang-results.jsonl"), 2))
                .hasMessage("--result: the file holds 2 results (0..1), got '2'");
        assertThatThrownBy(() -> IngestFormat.GUIDELLM.read(fixture("guidellm-benchmarks.json"), 1))
                .hasMessage("--result: the file holds 1 benchmark (0..0), got '1'");
    }

    @Test
    void theOneLineOfAToolsJsonNamesTheArrayElement() throws Exception {
        Path f = tmp.resolve("v.json");
        Files.writeString(f, Files.readString(fixture("vllm-result.json")).replace("\"ttfts\": [0.158781", "\"ttfts\": [\"soon\""));
        assertThatThrownBy(() -> IngestFormat.VLLM.read(f, null)).isInstanceOf(BadLineException.class)
                .hasMessage(f + ":1: ttfts[0]: not a number, got '\"soon\"'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // a result re-indented (jq .): the line is the element's
            "{NL\"burstiness\": 1.0,NL\"ttfts\": [0.1, 0.2],NL\"itls\": [[], [0.01, -0.5]],NL\"input_lens\": [1, 2],NL\"output_lens\": [1, 3],NL\"errors\": [\"\", \"\"],NL\"request_rate\": \"inf\"NL}"
                    + "| :4: itls[1][1]: must be between 0 and 9007199254 s (2^53 us), got '-0.5'",
            "{NL\"burstiness\": 1.0,NL\"ttfts\": [0.1, 0.2],NL\"itls\": [[], []],NL\"input_lens\": [1]NL}"
                    + "| :5: input_lens: has 1 elements, the other per-request arrays 2, got '1'",
            "{\"burstiness\": 1.0, \"completed\": 3}"
                    + "| :1: ttfts: missing (vllm bench serve writes the per-request arrays with --save-result --save-detailed)",
            "{\"burstiness\": 1.0, \"ttfts\": [0.1], \"itls\": [[]], \"input_lens\": [5], \"output_lens\": [0], \"errors\": [\"\"], \"request_rate\": 1}"
                    + "| :1: output_lens[0]: must be >= 1, got '0'",
            "{\"burstiness\": 1.0, \"ttfts\": [NaN], \"itls\": [[]], \"input_lens\": [5], \"output_lens\": [1], \"errors\": [\"\"], \"request_rate\": 1}"
                    + "| :1: ttfts[0]: not a finite number, got 'NaN'",
            "{\"burstiness\": 1.0, \"ttfts\": [0.1], \"itls\": [[]], \"input_lens\": [5], \"output_lens\": [1], \"errors\": [\"\"], \"request_rate\": \"trace\"}"
                    + "| :1: request_rate: must be a rate > 0 or inf (a trace replay's send times are not in the file), got 'trace'",
            "{\"burstiness\": 1.0, NL \"ttfts\": [0.1,"
                    + "| :2: (file): not JSON: Unexpected end-of-input",
    })
    void badVllmFilesNameLineFieldAndValue(String content, String expected) throws Exception {
        Path f = Files.writeString(tmp.resolve("r.json"), content.replace("NL", "\n"));
        assertThatThrownBy(() -> IngestFormat.VLLM.read(f, null)).isInstanceOf(BadLineException.class)
                .hasMessageStartingWith(f + expected.trim());
    }

    @Test
    void badGuideLlmRequestsNameTheirPath() throws Exception {
        Path yaml = tmp.resolve("b.yaml");
        String good = Files.readString(fixture("guidellm-benchmarks.yaml"));
        int at = good.indexOf("first_token_iteration: 1754"); // the first successful request (errored sorts first)
        String bad = good.substring(0, at) + "first_token_iteration: 1700000000.0" + good.substring(good.indexOf('\n', at));
        Files.writeString(yaml, bad);
        long line = bad.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
        assertThatThrownBy(() -> IngestFormat.GUIDELLM.read(yaml, null)).isInstanceOf(BadLineException.class)
                .hasMessage(yaml + ":" + line + ": benchmarks[0].requests.successful[0].info.timings.first_token_iteration:"
                        + " before request_start, got '1700000000.0'");
        Path json = tmp.resolve("b.json");
        Files.writeString(json, Files.readString(fixture("guidellm-benchmarks.json")).replaceFirst("\"output_tokens\": \\d+",
                "\"output_tokens\": null").replaceFirst("\"output_metrics\": \\{[^}]*}", "\"output_metrics\": {}"));
        assertThatThrownBy(() -> IngestFormat.GUIDELLM.read(json, null))
                .hasMessage(json + ":1: benchmarks[0].requests.successful[0].output_tokens: missing (nor output_metrics.total_tokens)");
    }

    @Test
    void theFormatIsToldFromTheContentOrRefusedSayingWhatWasSeen() throws Exception {
        Path both = Files.writeString(tmp.resolve("both.json"), "{\"burstiness\": 1, \"accept_length\": null, \"ttfts\": []}");
        assertThatThrownBy(() -> FormatDetector.detect(both)).hasMessage("--format: cannot tell the format of " + both
                + ": its keys are vLLM's (burstiness) and SGLang's (accept_length); give --format vllm|sglang|guidellm|cmbench, got none");
        Path neither = Files.writeString(tmp.resolve("neither.json"), "{\"ttfts\": [], \"itls\": []}");
        assertThatThrownBy(() -> FormatDetector.detect(neither)).hasMessageContaining("per-request arrays vLLM and SGLang both write");
        Path other = Files.writeString(tmp.resolve("other.csv"), "a,b,c\n1,2,3\n");
        assertThatThrownBy(() -> FormatDetector.detect(other)).hasMessageContaining("neither JSON nor a header with cmbench's columns: 'a,b,c'");
        Path csv = Files.writeString(tmp.resolve("t.txt"), String.join(",", CmbenchTimingsReader.FIELDS) + "\n");
        assertThat(FormatDetector.detect(csv)).isEqualTo(IngestFormat.CMBENCH);
        assertThatThrownBy(() -> IngestFormat.parse("tgi")).hasMessage("unknown value (expected vllm|sglang|guidellm|cmbench), got 'tgi'");
        assertThat(IngestFormat.parse("CSV")).isEqualTo(IngestFormat.CMBENCH);
    }

    @Test
    void arrivalScheduleFollowsRateAndConcurrency() {
        long[] latency = {1_000_000, 300_000, 200_000, 100_000};
        assertThat(ArrivalSchedule.sendTimesMicros(latency, Double.POSITIVE_INFINITY, 0)).containsExactly(0, 0, 0, 0);
        assertThat(ArrivalSchedule.sendTimesMicros(latency, 4.0, 0)).containsExactly(0, 250_000, 500_000, 750_000);
        // two in flight: 2 waits for 1 to end (0.3 s), 3 for 2 to end (0.5 s)
        assertThat(ArrivalSchedule.sendTimesMicros(latency, Double.POSITIVE_INFINITY, 2)).containsExactly(0, 0, 300_000, 500_000);
        assertThat(ArrivalSchedule.sendTimesMicros(latency, 4.0, 2)).containsExactly(0, 250_000, 550_000, 750_000);
    }
}
