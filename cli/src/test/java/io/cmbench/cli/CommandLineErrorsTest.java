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
            "run --parallelism 1025        | --parallelism: must be between 1 and 64, got '1025'",
            "run --live --parallelism 65   | --parallelism: must be between 1 and 64, got '65'",
            "capacity --parallelism 2000   | --parallelism: must be between 1 and 64, got '2000'",
            "run --live --speed 0          | --speed: must be > 0, got '0'",
            "run --live --speed -1.5       | --speed: must be > 0, got '-1.5'",
            "run --live --speed fast       | --speed: must be a number, got 'fast'",
            "run --speed 2                 | --speed: goes with --live, got '2'",
            "bench soak --speed 0          | --speed: must be > 0, got '0'",
            "bench soak --minutes 0        | --minutes: must be > 0, got '0'",
            "bench soak --load -1          | --load: must be > 0, got '-1'",
            "bench soak --parallelism 0    | --parallelism: must be between 1 and 64, got '0'",
            "run --prompt-tokens -5        | --prompt-tokens: must be > 0, got '-5'",
            "run --mode sideways           | --mode: unknown value 'sideways'",
            "run --slo tpotX               | --slo: ",
            "run --rate fast               | --rate",
            "run --no-such-option          | run: unknown option (see 'cmbench run --help'), got '--no-such-option'",
            "run --sed 3                   | run: unknown option (did you mean --seed?), got '--sed'",
            "run --seed                    | --seed: needs a value (see 'cmbench run --help')",
            "run --seed x1                 | --seed: must be an integer, got 'x1'",
            "run --seed 1 --seed 2         | --seed: given more than once",
            "run surplus                   | run: unexpected argument (see 'cmbench run --help'), got 'surplus'",
            "run --workload /no/such/file  | --workload: no such file, and not a built-in (paper-4k-256, chat-1k-1k, 2k-256, multiturn-50, multiturn-90), got '/no/such/file'",
            "run --calibration bogus       | --calibration: must be calibrated or physics, got 'bogus'",
            "sweep --calibration Physics   | --calibration: must be calibrated or physics, got 'Physics'",
            "bench pipeline --calibration x | --calibration: must be calibrated or physics, got 'x'",
            // derived quantities, checked before the broker starts
            "run --duration 1e15           | --duration: must be <= 1000000000 s, got '1.0E15'",
            "run --window 1e-9             | --window: must be between 0.001 (1 ms) and",
            "run --slo tpot15,tpot15       | --slo: each SLO once (tpot15 is given twice), got 'tpot15'",
            "run --rate 1e12               | --rate x --duration: offers 6.00e+13 requests (rate x duration), more than",
            "run --rate 0.01 --duration 5e8 | --rate x --duration: sends 5.00e+08 heartbeats (one every 1.0 s over 5.00e+08 s)",
            "run --rate 100 --prompt-tokens 2000000000 --output-tokens 2000000000 | --prompt-tokens/--output-tokens: the longest request's KV (4000000000 tokens) exceeds what a decode die of scenario",
            "run --prompt-tokens 2000000000 | --prompt-tokens/--output-tokens: the longest request's KV",
            "run --bootstrap notahostport  | --bootstrap: must be HOST:PORT (a comma-separated list for several), got 'notahostport'",
            "run --bootstrap host:99999    | --bootstrap: must be HOST:PORT",
            "run --workload chat-2k-2k     | --workload: no such file, and not a built-in (paper-4k-256, chat-1k-1k, 2k-256, multiturn-50, multiturn-90), got 'chat-2k-2k'",
            // every other command: the same checks, the same format
            "sweep --slo tpot15,tpot15     | --slo: each SLO once (tpot15 is given twice), got 'tpot15'",
            "sweep --parallelism 0         | --parallelism: must be between 1 and 64, got '0'",
            "sweep --prompt-tokens 2000000000 | --prompt-tokens/--output-tokens: the longest request's KV (2000000256 tokens) exceeds",
            "sweep --lifetimes 1e9         | --lifetimes x --overload: offers",
            "sweep --pool both             | --pool: unknown value 'both'",
            "capacity --attainment 0       | --attainment: must be in (0, 1], got '0.0'",
            "capacity --deployment cloudmatrix-infer-fleet | --deployment: a fleet of 8 supernodes; capacity and plan size one supernode's pools",
            "plan --deployment cloudmatrix-infer-fleet | --deployment: a fleet of 8 supernodes; capacity and plan size one supernode's pools",
            "capacity --attainment 1.5     | --attainment: must be in (0, 1], got '1.5'",
            "capacity --slo tpot50         | --slo: needs both a TTFT and a TPOT bound (e.g. ttft2000+tpot50): without a TTFT bound any rate holds by queueing, got 'tpot50'",
            "capacity --slo ttft1+tpot50   | --slo: not attainable at any rate on 6x16+1x160: kv-transfer: moving one request's KV (4097 tokens) takes 5.9 ms, more than the TTFT bound of 1.0 ms, got 'ttft1+tpot50'",
            "capacity --slo ttft2000+tpot1 | --slo: not attainable at any rate on 6x16+1x160: decode: TPOT at batch 1 is",
            "capacity --prefill-instances 5 | --prefill-instances: 5 does not divide the 96 prefill NPUs",
            "capacity --decode-npus 400    | --prefill-npus/--decode-npus: 6x16+4x100: ",
            "capacity --workload multiturn-50 | --workload: capacity cannot thin multi-turn sessions",
            "plan --npus 20                | --npus: is too small for one prefill and one decode instance of the menu (8 + 32 NPUs), got '20'",
            "plan --npus 1000              | --npus: must be at most one supernode's 384 NPUs (a deployment spans one supernode), got '1000'",
            "plan --verify 0               | --verify: must be between 1 and 5, got '0'",
            "bench                         | bench: needs a subcommand (see 'cmbench bench --help')",
            "bench pipeline --duration 1e15 | --duration: must be <= 1000000000 s, got '1.0E15'",
            "bench pipeline --duration 1e7 | --duration: offers",
            "bench pipeline --parallelism 65 | --parallelism: must be between 1 and 64, got '65'",
            "bench pipeline --warmup -1 | --warmup: must be between 0 and 10, got '-1'",
            "bench pipeline --runs 0 | --runs: must be between 1 and 10, got '0'",
            "bench generator --records 10  | --records: must be between 1000 and 100000000, got '10'",
            "bench analytics --completions 1 | --completions: must be between 1000 and 100000000, got '1'",
            "ingest --decode-npus 4        | ingest: FILE is required (see 'cmbench ingest --help')",
            "ingest /no/such.csv --decode-npus 4 | FILE: no such file, got '/no/such.csv'",
            "ingest /no/such.csv           | ingest: --decode-npus is required",
            "report                        | --in: is required (or --from-topic)",
            "report --in /no/such/dir      | --in: no such directory, got '/no/such/dir'",
            "report --from-topic t         | --from-topic: needs --bootstrap, got 't'",
            "report --from-topic t --bootstrap nohost | --bootstrap: must be HOST:PORT (a comma-separated list for several), got 'nohost'",
            "generate --rate 1e12 --dry-run | --rate x --duration: offers 6.00e+13 requests (rate x duration), more than a run's bound of 1e+08, got '1.0E12 x 60.0'",
            "generate --duration 5e9 --rate 1e-9 --dry-run | --rate x --duration: spans 5.0E9 simulated s, more than a run's bound of 1000000000 s, got '1.0E-9 x 5.0E9'",
            "generate --duration 5e8 --rate 1e-9 --dry-run | --rate x --duration: sends 5.00e+08 heartbeats (one every 1.0 s over 5.00e+08 s), more than a run's bound of 1e+08 records",
            "generate --workload chat-1k-1k --duration 1e9 --dry-run | --workload: offers 2.00e+10 requests",
            "generate --duration 1e15 --rate 1 --dry-run | --duration: must be > 0 seconds and at most 9007199254 (2^53 us), got '1.0E15'",
            "generate --bootstrap notahostport --rate 5 | --bootstrap: must be HOST:PORT (a comma-separated list for several), got 'notahostport'",
            "generate --rate 5             | --bootstrap: required (HOST:PORT of a Kafka cluster) unless --dry-run",
            "generate --workload nope --dry-run | --workload: no such file, and not a built-in",
            "generate --rate -3 --dry-run  | --rate: must be > 0, got '-3.0'",
            "generate --rate abc           | --rate: must be a number, got 'abc'",
            "model                         | model: needs a subcommand",
            "model decode --batch-per-npu -3 --kv-length 4096 | --batch-per-npu: must be a positive integer, got '-3'",
            "model decode --batch-per-npu 8 --kv-length 10 --deployment nope | --profile/--model/--deployment: ",
            "cluster start --taskmanagers 0 | --taskmanagers: ",
    })
    void badUsageIsOneClearLineAndExitCode2(String args, String expected) {
        long t0 = System.nanoTime();
        Outcome o = execute(args.trim().split("\\s+"));
        assertThat(o.code).as(o.err).isEqualTo(2);
        assertThat(o.err.lines().toList()).as("one line, whatever the command").hasSize(1);
        assertThat(o.firstLine()).startsWith("cmbench: ").contains(expected.trim());
        assertThat(o.firstLine()).as("the launcher's own words, not picocli's or an exception's")
                .doesNotContain("Exception").doesNotContain("Invalid value").doesNotContain("Missing required")
                .doesNotStartWith("cmbench: error").doesNotStartWith("cmbench: generate:");
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
    void aFleetWhosePoolsDoNotFitOneSupernodeIsRefusedNamingTheField() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("fleet"));
        // the paper's pools with two 160-NPU decode instances: 96 + 320 = 416 NPUs on each of the 4 supernodes (384)
        String deployment = io.cmbench.model.spec.SpecLoader.deploymentText("cloudmatrix-infer")
                .replace("  instances: 1\n", "  instances: 2\n").replace("name: cloudmatrix-infer\n", "name: big-fleet\n")
                + "supernodes: 4\n";
        Path file = Files.writeString(dir.resolve("big-fleet.yaml"), deployment);
        Path scenarios = Files.writeString(dir.resolve("s.yaml"), "scenarios:\n  - name: big\n    profile: cloudmatrix384\n"
                + "    model: deepseek-r1\n    deployment: " + file + "\n");
        Outcome o = execute("run", "--scenarios", scenarios.toString(), "--out", tmp.resolve("out").toString());
        assertThat(o.code).as(o.err).isEqualTo(2);
        assertThat(o.err.lines().toList()).as(o.err).hasSize(1);
        assertThat(o.firstLine()).startsWith("cmbench: ").contains("big-fleet.yaml").contains("decode.npus_per_instance")
                .contains("416 NPUs per supernode");
        assertThat(tmp.resolve("out")).as("nothing started, nothing written").doesNotExist();
    }

    /** ingest, report and generate read their files in full before anything starts, with the same one-line refusal. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ingest   | t.csv | request_id,arrival_ms,first_token_ms,last_token_ms,prompt_tokens,output_tokensNLr1,0,5,10,4,2NLr2,x,5,10,4,2 | t.csv:3: arrival_ms: not a number, got 'x'",
            "ingest   | t.csv | request_id,arrival_ms,first_token_ms,last_token_ms,prompt_tokens,output_tokensNLr1,1e300,1e300,1e300,4,2 | t.csv:2: arrival_ms: must be a time between 0 and 9007199254740 ms (2^53 us), got '1e300'",
            "ingest   | t.jsonl | {\"request_id\": \"a\"NL | t.jsonl:1: (line): not a JSON object",
            "ingest   | t.csv | BINARY | t.csv:2: not UTF-8 text",
            "ingest   | t.csv | request_id,arrival_ms,first_token_ms,last_token_ms,prompt_tokens,output_tokensNLr1,0,5,10,4,2 --window 1e-9 | --window: must be between 0.001 (1 ms)",
            // each tool's result file as the tool writes it: the field with its array index, the line it is on
            "ingest   | r.json | {\"burstiness\": 1.0, \"ttfts\": [\"x\"], \"itls\": [[]], \"input_lens\": [5], \"output_lens\": [1], \"errors\": [\"\"]} | r.json:1: ttfts[0]: not a number, got '\"x\"'",
            "ingest   | s.jsonl | {\"accept_length\": null, \"request_rate\": 4.0, \"ttfts\": [0.1, 0.2], \"itls\": [[], []], \"input_lens\": [5, 6], \"output_lens\": [1, 0], \"errors\": [\"\", \"\"]} | s.jsonl:1: output_lens[1]: must be >= 1, got '0'",
            "ingest   | b.yaml | benchmarks:NL- requests:NL    successful:NL    - request_id: aNL      info: {timings: {request_start: 5.0, first_token_iteration: 4.0, last_token_iteration: 6.0}}NL      prompt_tokens: 3NL      output_tokens: 2 | b.yaml:5: benchmarks[0].requests.successful[0].info.timings.first_token_iteration: before request_start, got '4.0'",
            "ingest   | x.json | {\"foo\": 1} | x.json: its first JSON value has the keys foo; give --format vllm|sglang|guidellm|cmbench, got none",
            "ingest   | t.csv | request_id,arrival_ms,first_token_ms,last_token_ms,prompt_tokens,output_tokensNLr1,0,5,10,4,2 --format tgi | --format: unknown value (expected vllm|sglang|guidellm|cmbench), got 'tgi'",
            "ingest   | t.csv | request_id,arrival_ms,first_token_ms,last_token_ms,prompt_tokens,output_tokensNLr1,0,5,10,4,2 --result 3 | --result: the file holds 1 result (0..0), got '3'",
            "ingest   | t.csv | request_id,arrival_ms,first_token_ms,last_token_ms,prompt_tokens,output_tokensNLr1,0,5,10,4,2 --compare /no/such/dir | --compare: no such directory, got '/no/such/dir'",
            "ingest   | t.csv | request_id,arrival_ms,first_token_ms,last_token_ms,prompt_tokens,output_tokensNLr1,0,5,10,4,2 --compare / | --compare: not a cmbench run directory (no summary.json or slo-windows.jsonl), got '/'",
            "report   | summary.json | {\"config\": [ | summary.json:1: not JSON (",
            "report   | slo-windows.jsonl | {}NL{ | slo-windows.jsonl:2: ",
            "generate | w.yaml | arrival: {process: poisson, rate: -3}NLclasses: [{name: a, prompt: 10, output: 10}]NLdurationSeconds: 5 | w.yaml:1: arrival.rate",
            "generate | w.yaml | BINARY | w.yaml:2: not UTF-8 text",
            "generate | w.yaml | TRACE | trace.csv:3: ",
    })
    void everyCommandRefusesABadFileOnOneLineNamingFileAndLine(String command, String name, String content,
                                                               String expected) throws Exception {
        String body = content.trim();
        String extra = "";
        if (body.contains(" --")) { // an option after the file's content
            extra = body.substring(body.indexOf(" --") + 1);
            body = body.substring(0, body.indexOf(" --"));
        }
        Path dir = Files.createDirectories(tmp.resolve(command.trim()));
        Path file = dir.resolve(name.trim());
        switch (body) {
            case "BINARY" -> Files.write(file, new byte[] {'a', ':', ' ', '1', '\n', 'b', ':', (byte) 0xC3, (byte) 0x28, '\n'});
            case "TRACE" -> {
                Files.writeString(dir.resolve("trace.csv"), "TIMESTAMP,ContextTokens,GeneratedTokens\n1.0,100,10\n2.0,abc,10\n");
                Files.writeString(file, "trace: {format: azure, file: trace.csv}\n");
            }
            default -> Files.writeString(file, body.replace("NL", "\n"));
        }
        java.util.List<String> args = new java.util.ArrayList<>(switch (command.trim()) {
            case "ingest" -> java.util.List.of("ingest", file.toString(), "--decode-npus", "4", "--out", tmp.resolve("out").toString());
            case "report" -> java.util.List.of("report", "--in", dir.toString());
            default -> java.util.List.of("generate", "--dry-run", "--workload", file.toString());
        });
        if (!extra.isEmpty()) {
            args.addAll(java.util.List.of(extra.split("\\s+")));
        }
        long t0 = System.nanoTime();
        Outcome o = execute(args.toArray(String[]::new));
        assertThat(o.code).as(o.err).isEqualTo(2);
        assertThat(o.err.lines().toList()).as(o.err).hasSize(1);
        assertThat(o.firstLine()).startsWith("cmbench: ").contains(expected.trim());
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

    /** Every command that talks to Kafka checks it the same way, before it reads or writes anything. */
    @ParameterizedTest
    @CsvSource({"generate", "ingest", "report"})
    void everyCommandChecksThatKafkaAnswersWithinTenSeconds(String command) throws Exception {
        int closed = EmbeddedKafkaBroker.freePort();
        String bootstrap = "127.0.0.1:" + closed;
        Path timings = tmp.resolve("t.csv");
        Files.writeString(timings, "request_id,arrival_ms,first_token_ms,last_token_ms,prompt_tokens,output_tokens\nr1,0,5,10,4,2\n");
        String[] args = switch (command) {
            case "generate" -> new String[] {"generate", "--rate", "5", "--duration", "1", "--bootstrap", bootstrap};
            case "ingest" -> new String[] {"ingest", timings.toString(), "--decode-npus", "4", "--bootstrap", bootstrap};
            default -> new String[] {"report", "--from-topic", "t", "--bootstrap", bootstrap, "--in", tmp.resolve("r").toString()};
        };
        long t0 = System.nanoTime();
        Outcome o = execute(args);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(o.code).as(o.err).isEqualTo(2);
        assertThat(o.firstLine()).startsWith("cmbench: --bootstrap: Kafka is unreachable (").endsWith("got '" + bootstrap + "'");
        assertThat(o.err.lines().count()).as(o.err).isLessThanOrEqualTo(2);
        assertThat(tmp.resolve("r")).as("nothing written before the check").doesNotExist();
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
