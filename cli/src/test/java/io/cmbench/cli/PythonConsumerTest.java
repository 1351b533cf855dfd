package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/CONSUMERS.md's Python example, run as a user would against a real broker after a real run: what it decodes from
 * the completions topic is exactly the run's completions.jsonl, and a schema that is not the writer's is refused by
 * the fingerprint check. Debian's python3-confluent-kafka and python3-avro are installed by the build
 * (scripts/ensure-debian-package.sh); when they are missing this fails, naming them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("integration")
class PythonConsumerTest {

    /** Debian's interpreter: a python3 earlier on the PATH (pyenv, a venv) does not see Debian's dist-packages. */
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize(); // failsafe runs in cli/
    private static final Path SCRIPT = REPO.resolve("examples/python/read_completions.py");
    private static final Path SCHEMA = REPO.resolve("schemas/src/main/avro/Completion.avsc");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp; // one for the class: the broker, the run and the script's output

    private EmbeddedKafkaBroker broker;
    private Path runDir;

    @BeforeAll
    void runAgainstABroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(0, tmp.resolve("broker"));
        runDir = tmp.resolve("run");
        CommandLineErrorsTest.Outcome o = CommandLineErrorsTest.execute("run", "--bootstrap", broker.bootstrapServers(),
                "--topic-prefix", "py", "--rate", "20", "--duration", "3", "--window", "1", "--quiet",
                "--parallelism", "2", "--out", runDir.toString());
        assertThat(o.code()).as(o.err()).isZero();
    }

    @AfterAll
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void thePythonExampleDecodesExactlyTheRunsCompletions() throws Exception {
        Outcome py = python(SCHEMA);
        assertThat(py.code()).as(py.stderr()).isZero();

        List<JsonNode> expected = jsonLines(Files.readString(runDir.resolve("completions.jsonl")));
        List<JsonNode> decoded = jsonLines(py.stdout());
        assertThat(expected).as("the run wrote completions").hasSizeGreaterThan(20);
        assertThat(decoded).as(py.stderr()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aSchemaThatIsNotTheWritersIsRefusedByTheFingerprint() throws Exception {
        // the writer's schema less its last field: a different canonical form, so a different fingerprint
        String schema = Files.readString(SCHEMA);
        String other = schema.replaceFirst(",\\s*\\{\"name\": \"source\"[^}]*}", "");
        assertThat(other).isNotEqualTo(schema);
        Path otherFile = Files.writeString(tmp.resolve("Other.avsc"), other);

        Outcome py = python(otherFile);
        assertThat(py.code()).as(py.stderr()).isEqualTo(1);
        assertThat(py.stdout()).isEmpty();
        assertThat(py.stderr()).contains("py.completions[").contains("not a single-object record of " + otherFile)
                .contains("record(s) in py.completions were not " + otherFile + " records");
    }

    private record Outcome(int code, String stdout, String stderr) {}

    private Outcome python(Path schema) throws IOException, InterruptedException {
        requirePython();
        Path out = Files.createTempFile(tmp, "py", ".out");
        Path err = Files.createTempFile(tmp, "py", ".err");
        Process p = new ProcessBuilder(PYTHON, SCRIPT.toString(), broker.bootstrapServers(), "py.completions",
                schema.toString()).directory(REPO.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(SCRIPT + " did not reach the end of py.completions in 5 minutes: "
                    + Files.readString(err));
        }
        return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err));
    }

    /** Fails, never skips, naming what to install when Debian's python3 or its packages are missing. */
    private static void requirePython() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            throw new AssertionError(PYTHON + " is missing: install Debian's python3, python3-confluent-kafka and"
                    + " python3-avro (mvn verify does, with scripts/ensure-debian-package.sh, when it may run apt-get)");
        }
        Process p = new ProcessBuilder(PYTHON, "-c", "import confluent_kafka, avro.io").redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(PYTHON + " cannot import confluent_kafka and avro: install Debian's"
                    + " python3-confluent-kafka and python3-avro (mvn verify does, with scripts/ensure-debian-package.sh,"
                    + " when it may run apt-get): " + said.strip());
        }
    }

    private static List<JsonNode> jsonLines(String text) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }
}
