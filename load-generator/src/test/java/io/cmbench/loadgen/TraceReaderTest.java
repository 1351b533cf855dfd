package io.cmbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.schemas.RequestEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceReaderTest {
  @TempDir
  Path dir;

  static Path sample(String name) throws Exception {
    return Path.of(TraceReaderTest.class.getResource("/traces/" + name).toURI());
  }

  private static List<TraceRecord> read(TraceSpec spec) {
    List<TraceRecord> out = new ArrayList<>();
    try (TraceReader r = spec.open()) {
      r.forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  void azureSample() throws Exception {
    List<TraceRecord> rs = read(TraceSpec.of(TraceFormat.AZURE, sample("azure-sample.csv"), 1.0));
    assertThat(rs).hasSize(10);
    assertThat(rs.get(0).arrivalMicros()).isZero();
    assertThat(rs.get(0).line()).isEqualTo(2);
    assertThat(rs.get(0).promptTokens()).isEqualTo(374);
    assertThat(rs.get(0).outputTokens()).isEqualTo(44);
    assertThat(rs.get(1).arrivalMicros()).isEqualTo(4_314_579L);
    assertThat(rs.get(3).arrivalMicros()).isEqualTo(rs.get(4).arrivalMicros());
    assertThat(rs.get(9).arrivalMicros()).isEqualTo(15_569_410L);
    assertThat(rs.get(9).hashIds()).isEmpty();

    List<TraceRecord> half = read(TraceSpec.of(TraceFormat.AZURE, sample("azure-sample.csv"), 0.5));
    assertThat(half.get(9).arrivalMicros()).isEqualTo(7_784_705L);
  }

  @Test
  void mooncakeSample() throws Exception {
    List<TraceRecord> rs = read(TraceSpec.of(TraceFormat.MOONCAKE, sample("mooncake-sample.jsonl"), 2.0));
    assertThat(rs).hasSize(8);
    assertThat(rs.get(0).promptTokens()).isEqualTo(6955);
    assertThat(rs.get(0).outputTokens()).isEqualTo(52);
    assertThat(rs.get(0).hashIds()).hasSize(14).startsWith(0L, 1L, 2L);
    assertThat(rs.get(1).hashIds()).startsWith(0L, 1L, 2L);
    assertThat(rs.get(2).arrivalMicros()).isEqualTo(3052L * 1000 * 2);
    for (TraceRecord r : rs) {
      assertThat(r.hashIds()).hasSize((r.promptTokens() + 511) / 512);
    }
  }

  @Test
  void traceWorkloadStreamsRequestsWithPrefixBlocks() throws Exception {
    Path traces = dir.resolve("traces");
    Files.createDirectories(traces);
    Files.copy(sample("mooncake-sample.jsonl"), traces.resolve("m.jsonl"));
    Path yaml = dir.resolve("replay.yaml");
    Files.writeString(yaml, """
        name: mooncake-replay
        heartbeatIntervalMs: 2000
        trace: {format: mooncake, file: traces/m.jsonl, timeScale: 1.0}
        """);
    WorkloadSpec spec = WorkloadSpec.load(yaml);
    assertThat(spec.isTraceReplay()).isTrue();
    List<RequestEvent> events = new ArrayList<>();
    new RequestStream(spec, 1).forEachRemaining(events::add);
    List<RequestEvent> requests = events.stream().filter(e -> !RequestStream.isHeartbeat(e)).toList();
    assertThat(requests).hasSize(8);
    assertThat(requests.get(0).getPrefixBlockTokens()).isEqualTo(512);
    assertThat(requests.get(0).getRequestClass()).isEqualTo("mooncake");
    assertThat(requests.get(7).getArrivalTimeMicros()).isEqualTo(20_000_000L);
    // a heartbeat every 2 s, through the idle gap 12.5 s -> 20 s too; final heartbeat at the last arrival
    assertThat(events.stream().filter(RequestStream::isHeartbeat).map(RequestEvent::getArrivalTimeMicros))
        .containsExactly(2_000_000L, 4_000_000L, 6_000_000L, 8_000_000L, 10_000_000L, 12_000_000L, 14_000_000L,
            16_000_000L, 18_000_000L, 20_000_000L);
    RequestStreamTest.assertHeartbeatCadence(events, 2_000_000L);
    assertThat(events.get(events.size() - 1).getArrivalTimeMicros()).isEqualTo(20_000_000L);

    // cut by duration: final heartbeat at the duration
    List<RequestEvent> cut = new ArrayList<>();
    new RequestStream(spec.withDurationMicros(10_000_000), 1).forEachRemaining(cut::add);
    assertThat(cut.stream().filter(e -> !RequestStream.isHeartbeat(e)).count()).isEqualTo(5);
    assertThat(cut.get(cut.size() - 1).getArrivalTimeMicros()).isEqualTo(10_000_000L);
  }

  private WorkloadException azureError(String csv) throws Exception {
    Path p = dir.resolve("bad.csv");
    Files.writeString(p, csv);
    try {
      read(TraceSpec.of(TraceFormat.AZURE, p, 1.0));
    } catch (WorkloadException e) {
      assertThat(e.source()).isEqualTo(p.toString());
      return e;
    }
    throw new AssertionError("no error");
  }

  private WorkloadException mooncakeError(String jsonl) throws Exception {
    Path p = dir.resolve("bad.jsonl");
    Files.writeString(p, jsonl);
    try {
      read(TraceSpec.of(TraceFormat.MOONCAKE, p, 1.0));
    } catch (WorkloadException e) {
      assertThat(e.source()).isEqualTo(p.toString());
      return e;
    }
    throw new AssertionError("no error");
  }

  @Test
  void malformedAzureLinesNameFileLineAndField() throws Exception {
    String header = "TIMESTAMP,ContextTokens,GeneratedTokens\n";
    WorkloadException e = azureError(header + "2023-11-16 18:15:46.68,374,44\n2023-11-16 18:15:47,abc,1\n");
    assertThat(e.getMessage()).endsWith("bad.csv:3: ContextTokens: not a token count (got 'abc')");
    e = azureError(header + "2023-11-16 18:15:46.68,374,-4\n");
    assertThat(e.getMessage()).contains("bad.csv:2: GeneratedTokens: must be a token count >= 0 (got '-4')");
    e = azureError(header + "yesterday,374,44\n");
    assertThat(e.getMessage()).contains("bad.csv:2: TIMESTAMP: not a time");
    e = azureError(header + "2023-11-16 18:15:46.68,374\n");
    assertThat(e.getMessage()).contains("bad.csv:2: expected 3 columns, got 2");
    e = azureError("TIME,ContextTokens,GeneratedTokens\n");
    assertThat(e.getMessage()).contains("bad.csv:1: TIMESTAMP: missing column");
    e = azureError(header + "2023-11-16 18:15:46,1,1\n\n2023-11-16 18:15:45,1,1\n");
    assertThat(e.getMessage()).contains("bad.csv:4: TIMESTAMP: not in time order");
  }

  @Test
  void malformedMooncakeLinesNameFileLineAndField() throws Exception {
    String ok = "{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 1, \"hash_ids\": [1]}\n";
    WorkloadException e = mooncakeError(ok + "{\"timestamp\": 5, \"input_length\": \"x\", \"output_length\": 1}\n");
    assertThat(e.getMessage()).contains("bad.jsonl:2: input_length: must be a token count >= 0 (got \"x\")");
    e = mooncakeError(ok + "{\"input_length\": 1, \"output_length\": 1}\n");
    assertThat(e.getMessage()).contains("bad.jsonl:2: timestamp: missing");
    e = mooncakeError(ok + ok + "{\"timestamp\": 1, \"input_length\": 1, \"output_length\": 1, \"hash_ids\": [1, 2.5]}\n");
    assertThat(e.getMessage()).contains("bad.jsonl:3: hash_ids[1]: not an integer (got 2.5)");
    e = mooncakeError("{not json\n");
    assertThat(e.getMessage()).contains("bad.jsonl:1: not valid JSON");
    e = mooncakeError(ok + "{\"timestamp\": 1, \"input_length\": 1}\n");
    assertThat(e.getMessage()).contains("bad.jsonl:2: output_length: missing");
  }

  @Test
  void malformedTraceLineSurfacesThroughTheRequestStream() throws Exception {
    Path p = dir.resolve("t.csv");
    Files.writeString(p, "TIMESTAMP,ContextTokens,GeneratedTokens\n0.5,10,10\n1.0,10,ten\n");
    RequestStream s = new RequestStream(WorkloadSpec.replay(TraceSpec.of(TraceFormat.AZURE, p, 1.0)), 1);
    assertThatThrownBy(() -> s.forEachRemaining(e -> { }))
        .isInstanceOf(WorkloadException.class)
        .hasMessageContaining("t.csv:3: GeneratedTokens: not a token count (got 'ten')");
  }

  /** Runs a trace through the request stream; the error the generator refuses it with. */
  private String refusal(TraceFormat format, String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    RequestStream s = new RequestStream(WorkloadSpec.replay(TraceSpec.of(format, p, 1.0)), 1);
    try {
      s.forEachRemaining(e -> { });
    } catch (WorkloadException e) {
      return e.getMessage();
    }
    throw new AssertionError("the generator accepted " + name);
  }

  @Test
  void traceRowsTheJobWouldRejectAreRefusedWithFileLineFieldAndReason() throws Exception {
    String header = "TIMESTAMP,ContextTokens,GeneratedTokens\n";
    assertThat(refusal(TraceFormat.AZURE, "out0.csv", header + "0.5,10,10\n1.0,10,0\n"))
        .endsWith("out0.csv:3: outputTokens: must be >= 1, got 0");
    assertThat(refusal(TraceFormat.AZURE, "prompt0.csv", header + "0.5,0,10\n"))
        .endsWith("prompt0.csv:2: promptTokens: must be >= 1, got 0");
    // three 512-token blocks cannot start inside a 1,000-token prompt (the sample's partial last blocks can)
    assertThat(refusal(TraceFormat.MOONCAKE, "blocks.jsonl",
        "{\"timestamp\": 0, \"input_length\": 2000, \"output_length\": 4, \"hash_ids\": [1, 2]}\n"
            + "{\"timestamp\": 9, \"input_length\": 1000, \"output_length\": 4, \"hash_ids\": [1, 2, 3]}\n"))
        .endsWith("blocks.jsonl:2: prefixBlocks: 3 blocks of 512 tokens need a prompt of more than 1024 tokens"
            + " (only the last may be partial), got 1000");
    // a time beyond any run (the ceiling every run shares with the job)
    assertThat(refusal(TraceFormat.AZURE, "far.csv", header + "0,10,10\n1e12,10,10\n"))
        .contains("far.csv:3: arrivalTimeMicros: must be <= ");
  }
}
