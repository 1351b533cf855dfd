package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Bad usage gets one line naming the option and the value, and exit code 2 — before anything starts. */
@Tag("integration")
class CommandLineErrorsTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "run --rate -1                 | --rate: must be > 0, got '-1'",
            "run --rate 1e400              | --rate: must be > 0, got '1e400'",
            "run --warmup-windows soon     | --warmup-windows: must be an integer or 'auto', got 'soon'",
            "run --drain-windows -2        | --drain-windows: must be >= 0, got '-2'",
            "run --duration 0              | --duration: must be > 0, got '0.0'",
            "run --parallelism 0           | --parallelism: must be between 1 and 64, got '0'",
            "run --prompt-tokens -5        | --prompt-tokens: must be > 0, got '-5'",
            "run --mode sideways           | --mode: unknown value 'sideways'",
            "run --slo tpotX               | --slo: ",
            "run --rate fast               | --rate",
            "run --no-such-option          | Unknown option: '--no-such-option'",
            "run --seed                    | Missing required parameter for option '--seed'",
            "run --workload /no/such/file  | --workload: no such file, got '/no/such/file'",
            "run --calibration bogus       | --calibration: must be calibrated or physics, got 'bogus'",
            "sweep --calibration Physics   | --calibration: must be calibrated or physics, got 'Physics'",
            "bench pipeline --calibration x | --calibration: must be calibrated or physics, got 'x'",
            // derived quantities, checked before the broker starts
            "run --duration 1e15           | --duration: must be <= 1000000000 s, got '1.0E15'",
            "run --window 1e-9             | --window: must be between 0.001 (1 ms) and",
            "run --slo tpot15,tpot15       | --slo: each SLO once (tpot15 is given twice), got 'tpot15'",
            "run --rate 1e12               | --rate x --duration: offers 6.00e+13 requests (rate x duration), more than",
            "run --rate 100 --prompt-tokens 2000000000 --output-tokens 2000000000 | --prompt-tokens/--output-tokens: the longest request's KV (4000000000 tokens) exceeds what a decode die of scenario",
            "run --prompt-tokens 2000000000 | --prompt-tokens/--output-tokens: the longest request's KV",
            "run --bootstrap notahostport  | --bootstrap: must be HOST:PORT (a comma-separated list for several), got 'notahostport'",
            "run --bootstrap host:99999    | --bootstrap: must be HOST:PORT",
    })
    void badUsageIsOneClearLineAndExitCode2(String args, String expected) {
        long t0 = System.nanoTime();
        Outcome o = execute(args.trim().split("\\s+"));
        assertThat(o.code).isEqualTo(2);
        assertThat(o.firstLine()).startsWith("cmbench: ").contains(expected.trim());
        assertThat(o.err).doesNotContain("\tat ");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    /** Workload, trace and scenario files are read in full up front: a bad one is refused naming file and line. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "workload.yaml | arrival: {process: poisson, rate: -3}NLclasses: [{name: a, prompt: 10, output: 10}]NLdurationSeconds: 5 | workload.yaml:1: arrival.rate",
            "workload.yaml | durationSeconds: [ | --workload: ",
            "binary.yaml   | BINARY | binary.yaml:2: not UTF-8 text",
            "trace.yaml    | TRACE | trace.csv:3: ",
            "huge.yaml     | durationSeconds: 5NLarrival: {process: poisson, rate: 10}NLclasses: [{name: a, prompt: 900000000, output: 10}] | --workload: the longest request's KV (900000010 tokens) exceeds",
            "busy.yaml     | durationSeconds: 100000NLarrival: {process: poisson, rate: 100000}NLclasses: [{name: a, prompt: 10, output: 10}] | --workload: offers 1.00e+10 requests",
    })
    void badFileContentIsOneLineNamingFileAndLineAndExitCode2(String name, String content, String expected) throws Exception {
        Path file = tmp.resolve(name.trim());
        switch (content.trim()) {
            case "BINARY" -> Files.write(file, new byte[] {'a', ':', ' ', '1', '\n', 'b', ':', (byte) 0xC3, (byte) 0x28, '\n'});
            case "TRACE" -> {
                Files.writeString(tmp.resolve("trace.csv"), "TIMESTAMP,ContextTokens,GeneratedTokens\n1.0,100,10\n2.0,abc,10\n");
                Files.writeString(file, "trace: {format: azure, file: trace.csv}\n");
            }
            default -> Files.writeString(file, content.trim().replace("NL", "\n"));
        }
        long t0 = System.nanoTime();
        Outcome o = execute("run", "--workload", file.toString(), "--out", tmp.resolve("out").toString());
        assertThat(o.code).isEqualTo(2);
        assertThat(o.firstLine()).startsWith("cmbench: ").contains(expected.trim());
        assertThat(o.err).doesNotContain("\tat ");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(tmp.resolve("out")).as("nothing started, nothing written").doesNotExist();
    }

    @Test
    void undecodableClientPropertiesNameTheFileAndLine() throws Exception {
        Path file = tmp.resolve("client.properties");
        Files.write(file, new byte[] {'a', '=', '1', '\n', (byte) 0xFF, (byte) 0xFE, 'x'});
        Outcome o = execute("run", "--rate", "10", "--client-properties", file.toString());
        assertThat(o.code).isEqualTo(2);
        assertThat(o.firstLine()).isEqualTo("cmbench: --client-properties: " + file + ":2: not UTF-8 text (binary file?)");
    }

    /** Nothing listens: the reachability checks say so in one line within 10 s, before any broker or job starts. */
    @Test
    void unreachableKafkaIsOneLineWithinTenSeconds() {
        int closed = EmbeddedKafkaBroker.freePort();
        long t0 = System.nanoTime();
        Outcome o = execute("run", "--rate", "10", "--bootstrap", "127.0.0.1:" + closed, "--out", tmp.resolve("k").toString());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(o.code).isEqualTo(2);
        assertThat(o.firstLine()).startsWith("cmbench: --bootstrap: Kafka is unreachable (")
                .endsWith("got '127.0.0.1:" + closed + "'");
        assertThat(o.err.lines().count()).as(o.err).isLessThanOrEqualTo(2);
        assertThat(o.err).doesNotContain("\tat ");
    }

    @Test
    void unreachableFlinkClusterIsOneLineWithinTenSeconds() {
        int closed = EmbeddedKafkaBroker.freePort();
        long t0 = System.nanoTime();
        Outcome o = execute("run", "--rate", "10", "--bootstrap", "127.0.0.1:" + closed, "--cluster", "127.0.0.1:" + closed,
                "--out", tmp.resolve("c").toString());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(o.code).isEqualTo(2);
        assertThat(o.firstLine()).startsWith("cmbench: --cluster: no Flink REST API answered within 3 s")
                .endsWith("got '127.0.0.1:" + closed + "'");
        assertThat(o.err.lines().count()).as(o.err).isLessThanOrEqualTo(2);
    }

    record Outcome(int code, String err) {
        String firstLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    static Outcome execute(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int code = cl.execute(args);
        return new Outcome(code, err.toString());
    }
}
