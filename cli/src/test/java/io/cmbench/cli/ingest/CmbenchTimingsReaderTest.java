package io.cmbench.cli.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.schemas.Completion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** cmbench's own CSV / JSON-lines timings, and their conversion to rebased completions. */
class CmbenchTimingsReaderTest {

    @TempDir
    Path tmp;

    private static final String HEADER = "request_id,arrival_ms,first_token_ms,last_token_ms,prompt_tokens,output_tokens,extra\n";

    @Test
    void csvRowsBecomeCompletionsRebasedToTheFirstArrival() throws Exception {
        Path f = Files.writeString(tmp.resolve("t.csv"), HEADER
                + "a,1000.5,1040.25,2000,4096,256,x\n"
                + "\n"
                + "b,1000.0,1100,1100,10,1,y\n");
        List<Completion> cs = MeasuredCompletions.of(CmbenchTimingsReader.read(f).requests(), "vllm", 8, 4);
        assertThat(cs).hasSize(2);
        Completion a = cs.get(0);
        assertThat(a.getRequestId()).isEqualTo("a");
        assertThat(a.getArrivalTimeMicros()).isEqualTo(500);
        assertThat(a.getFirstTokenMicros()).isEqualTo(40_250);
        assertThat(a.getLastTokenMicros()).isEqualTo(1_000_000);
        assertThat(a.getPromptTokens()).isEqualTo(4096);
        assertThat(a.getOutputTokens()).isEqualTo(256);
        assertThat(a.getScenario()).isEqualTo("vllm");
        assertThat(a.getDecodeNpus()).isEqualTo(8);
        assertThat(a.getPrefillNpus()).isEqualTo(4);
        assertThat(a.getSource()).isEqualTo("measured");
        assertThat(cs.get(1).getArrivalTimeMicros()).isZero();
    }

    @Test
    void jsonlLinesAreReadTheSameWay() throws Exception {
        Path f = Files.writeString(tmp.resolve("t.jsonl"),
                "{\"request_id\":\"a\",\"arrival_ms\":5,\"first_token_ms\":6,\"last_token_ms\":9.5,\"prompt_tokens\":1,\"output_tokens\":3,\"x\":1}\n");
        Completion c = MeasuredCompletions.of(CmbenchTimingsReader.read(f).requests(), "s", 1, 1).get(0);
        assertThat(c.getArrivalTimeMicros()).isZero();
        assertThat(c.getFirstTokenMicros()).isEqualTo(1000);
        assertThat(c.getLastTokenMicros()).isEqualTo(4500);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a,1,2,3,4                      | :2: output_tokens: missing",
            "a,x,2,3,4,5                    | :2: arrival_ms: not a number, got 'x'",
            "a,5,2,3,4,5                    | :2: first_token_ms: before arrival_ms, got '2'",
            "a,1,3,2,4,5                    | :2: last_token_ms: before first_token_ms, got '2'",
            "a,1,2,3,4,0                    | :2: output_tokens: must be >= 1, got '0'",
            "a,1,2,3,-4,5                   | :2: prompt_tokens: must be >= 0, got '-4'",
            ",1,2,3,4,5                     | :2: request_id: missing",
            "a,1,2,3,4.5,5                  | :2: prompt_tokens: not an integer, got '4.5'",
    })
    void badRowsNameFileLineFieldAndValue(String row, String expected) throws Exception {
        Path f = Files.writeString(tmp.resolve("bad.csv"), HEADER.replace(",extra", "") + row + "\n");
        assertThatThrownBy(() -> CmbenchTimingsReader.read(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + expected.trim());
    }

    @Test
    void duplicateIdsAndMissingColumnsAreRefused() throws Exception {
        Path dup = Files.writeString(tmp.resolve("dup.csv"), HEADER + "a,1,2,3,4,5,x\na,1,2,3,4,5,x\n");
        assertThatThrownBy(() -> CmbenchTimingsReader.read(dup))
                .hasMessage(dup + ":3: request_id: duplicate 'a'");
        Path cols = Files.writeString(tmp.resolve("cols.csv"), "request_id,arrival_ms\na,1\n");
        assertThatThrownBy(() -> CmbenchTimingsReader.read(cols))
                .hasMessageStartingWith(cols + ":1: first_token_ms: missing column");
        Path json = Files.writeString(tmp.resolve("t.jsonl"), "{\"request_id\":\"a\"\n");
        assertThatThrownBy(() -> CmbenchTimingsReader.read(json))
                .hasMessageStartingWith(json + ":1: (line): not a JSON object");
    }
}
