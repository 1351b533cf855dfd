package io.cmbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {
  @TempDir
  Path dir;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  MockProducer<String, byte[]> producer;

  private int run(String... args) {
    CommandLine cl = GenerateCommand.newCommandLine();
    GenerateCommand cmd = cl.getCommand();
    cmd.publisherFactory = (bootstrap, topic, props) -> {
      producer = KafkaRequestPublisherTest.mockProducer(true);
      return new KafkaRequestPublisher(producer, topic, OpenLoopPacer.Clock.SYSTEM);
    };
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private void assertUsageError(String expected, String... args) {
    int code = run(args);
    assertThat(code).as(String.join(" ", args)).isEqualTo(2);
    String e = err.toString().strip();
    assertThat(e).as("one line").doesNotContain("\n");
    assertThat(e).contains(expected);
    err.getBuffer().setLength(0);
  }

  @Test
  void badValuesGiveAOneLineErrorAndExitCode2() throws Exception {
    assertUsageError("'--rate': -1.0", "--bootstrap", "h:1", "--rate", "-1");
    assertUsageError("'--rate': 'abc'", "--bootstrap", "h:1", "--rate", "abc");
    assertUsageError("'--duration': 0.0", "--bootstrap", "h:1", "--duration", "0");
    assertUsageError("'--prompt-tokens': 0", "--bootstrap", "h:1", "--prompt-tokens", "0");
    assertUsageError("'--speed' needs --live", "--bootstrap", "h:1", "--speed", "2");
    assertUsageError("'--speed': -2.0", "--bootstrap", "h:1", "--live", "--speed", "-2");
    assertUsageError("missing option --bootstrap", "--rate", "5");
    assertUsageError("'--workload': 'nope.yaml'", "--bootstrap", "h:1", "--workload", "nope.yaml");
    assertUsageError("'--rate' cannot be combined with --workload", "--bootstrap", "h:1",
        "--workload", "paper-4k-256", "--rate", "3");
    assertUsageError("'--client-properties'", "--bootstrap", "h:1", "--client-properties", "absent.properties");
    assertUsageError("'--arrival': 'gamma'", "--bootstrap", "h:1", "--arrival", "gamma");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "durationSeconds: 60\narrival: {process: poisson, rate: 0}\nclasses: [{prompt: 1, output: 1}]\n");
    assertUsageError("bad.yaml:2: arrival.rate: must be > 0 (got 0)", "--bootstrap", "h:1", "--workload", bad.toString());
  }

  @Test
  void dryRunNeedsNoBroker() {
    int code = run("--dry-run", "--workload", "multiturn-50", "--duration", "5", "--seed", "3");
    assertThat(code).isZero();
    assertThat(out.toString()).contains("multiturn-50").contains("requests").contains("prefix blocks");
  }

  @Test
  void publishesAndPrintsStats() throws Exception {
    Path props = dir.resolve("client.properties");
    Files.writeString(props, "linger.ms=1\n");
    int code = run("--bootstrap", "h:1", "--rate", "200", "--duration", "2", "--prompt-tokens", "100",
        "--output-tokens", "10", "--seed", "7", "--client-properties", props.toString(), "-P", "acks=all",
        "--no-progress");
    assertThat(code).as(err.toString()).isZero();
    assertThat(producer.history()).isNotEmpty();
    assertThat(out.toString()).contains("records/s").contains("MB/s").contains("publish latency").contains("p99");
  }

  @Test
  void liveModeRuns() {
    int code = run("--bootstrap", "h:1", "--rate", "100", "--duration", "0.2", "--live", "--speed", "4",
        "--no-progress");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("LIVE x4.0").contains("publish delay (intended->sent) p50");
  }
}
