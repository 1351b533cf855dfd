package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import io.cmbench.cluster.kafka.SaslCredentials;
import io.cmbench.cluster.kafka.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline against a broker that requires SASL/PLAIN, driven the way a user drives it: the
 * {@code cmbench run} command in its own JVM with {@code --client-properties FILE}. The generator, both jobs and
 * the result readers authenticate; a client without credentials is refused; the password appears in no output
 * and no file of the run.
 */
@Tag("integration")
class SaslPipelineTest {

    @TempDir
    Path tmp;

    @Test
    void pipelineRunsOnASaslBrokerAndTheCredentialsStayPrivate() throws Exception {
        SaslCredentials creds = SaslCredentials.generate();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(
                EmbeddedKafkaBroker.Options.of(0, tmp.resolve("broker")).withSasl(creds))) {
            Path clientFile = creds.writeClientProperties(tmp.resolve("client.properties"));
            Path out = tmp.resolve("run");

            Process run = new ProcessBuilder(command("run", "--bootstrap", broker.bootstrapServers(),
                    "--client-properties", clientFile.toString(), "--duration", "10", "--rate", "10",
                    "--prompt-tokens", "512", "--output-tokens", "16", "--parallelism", "1", "--out", out.toString()))
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("stdout.txt").toFile()).start();
            assertThat(run.waitFor(5, TimeUnit.MINUTES)).as("run finished").isTrue();
            String stdout = Files.readString(tmp.resolve("stdout.txt"), StandardCharsets.UTF_8);
            assertThat(run.exitValue()).as(stdout).isZero();
            assertThat(stdout).contains("0 dead letters").contains("report:");
            assertThat(Files.readAllLines(out.resolve("completions.jsonl"))).hasSizeGreaterThan(50);

            // a client without credentials gets nothing
            assertThatThrownBy(() -> TopicReader.count(broker.bootstrapServers(), new Properties(), "cmbench.completions"))
                    .isInstanceOf(Exception.class);
            // with them it sees the run's completions
            assertThat(TopicReader.count(broker.bootstrapServers(), creds.clientProperties(), "cmbench.completions"))
                    .isGreaterThan(50);

            assertThat(stdout).doesNotContain(creds.password());
            List<Path> files;
            try (Stream<Path> walk = Files.walk(out)) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            assertThat(files).extracting(p -> p.getFileName().toString()).contains("cmbench.log", "summary.json");
            for (Path f : files) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                        .as("password in %s", f).doesNotContain(creds.password());
            }
        }
    }

    /** {@code cmbench ARGS} in a child JVM with this test's class path and Flink's Java 17 flags. */
    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g"));
        for (String pkg : List.of("java.util", "java.lang", "java.lang.reflect", "java.io", "java.nio", "sun.nio.ch",
                "java.net", "java.time", "java.util.concurrent", "java.util.concurrent.atomic", "java.text")) {
            cmd.add("--add-opens=java.base/" + pkg + "=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.cmbench.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
