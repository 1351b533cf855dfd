package io.cmbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

class GenerateCommandTest {
  @TempDir
  Path dir;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  MockProducer<String, byte[]> producer;

  private int run(String... args) {
    CommandLine cl = new CommandLine(new GenerateCommand());
    GenerateCommand cmd = cl.getCommand();
    cmd.publisherFactory = (bootstrap, topic, props) -> {
      producer = KafkaRequestPublisherTest.mockProducer(true);
      return new KafkaRequestPublisher(producer, topic, OpenLoopPacer.Clock.SYSTEM);
    };
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  /** A bad value is thrown as a picocli ParameterException whose message is the launcher's one line. */
  private void assertUsageError(String expected, String... args) {
    CommandLine cl = new CommandLine(new GenerateCommand());
    assertThatThrownBy(() -> {
      cl.parseArgs(args);
      cl.<GenerateCommand>getCommand().call();
    }).as(String.join(" ", args)).isInstanceOf(ParameterException.class)
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).as("one line").doesNotContain("\n"));
  }

  @Test
  void badValuesGiveAOneLineErrorAndExitCode2() throws Exception {
    assertUsageError("--rate: must be > 0, got '-1.0'", "--bootstrap", "h:1", "--rate", "-1");
    assertUsageError("'--rate': 'abc'", "--bootstrap", "h:1", "--rate", "abc");
    assertUsageError("--duration: must be > 0 seconds and at most 9007199254 (2^53 us), got '0.0'", "--bootstrap", "h:1", "--rate", "5", "--duration", "0");
    assertUsageError("--prompt-tokens: must be >= 1, got '0'", "--bootstrap", "h:1", "--prompt-tokens", "0");
    assertUsageError("--speed: needs --live, got '2.0'", "--bootstrap", "h:1", "--rate", "5", "--speed", "2");
    assertUsageError("--speed: must be > 0, got '-2.0'", "--bootstrap", "h:1", "--rate", "5", "--live", "--speed", "-2");
    assertUsageError("--bootstrap: required (HOST:PORT of a Kafka cluster) unless --dry-run", "--rate", "5");
    assertUsageError("--rate: required without --workload", "--bootstrap", "h:1");
    assertUsageError("--workload: no such file, and not a built-in (paper-4k-256, chat-1k-1k, 2k-256, multiturn-50,"
        + " multiturn-90), got 'nope.yaml'", "--bootstrap", "h:1", "--workload", "nope.yaml");
    assertUsageError("--rate: cannot be combined with --workload, got '3.0'", "--bootstrap", "h:1",
        "--workload", "paper-4k-256", "--rate", "3");
    assertUsageError("--client-properties: not a readable file, got 'absent.properties'", "--bootstrap", "h:1",
        "--rate", "5", "--client-properties", "absent.properties");
    assertUsageError("--arrival: must be poisson or constant (use --workload for others), got 'gamma'", "--bootstrap",
        "h:1", "--rate", "5", "--arrival", "gamma");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "durationSeconds: 60\narrival: {process: poisson, rate: 0}\nclasses: [{prompt: 1, output: 1}]\n");
    assertUsageError("--workload: " + bad + ":2: arrival.rate: must be > 0 (got 0)", "--bootstrap", "h:1", "--workload",
        bad.toString());
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
