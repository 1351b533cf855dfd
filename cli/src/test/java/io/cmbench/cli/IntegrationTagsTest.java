package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * `mvn test` runs only fast tests because every test that starts a real broker, a Flink MiniCluster or cluster, a
 * browser or a child JVM is tagged "integration" (run by failsafe in `mvn verify`). A new such test without the tag
 * would slow `mvn test` down silently: this finds it, in every module.
 */
class IntegrationTagsTest {
    private static final Pattern STARTS_SOMETHING = Pattern.compile(
            "MiniClusterExtension|EmbeddedKafkaBroker\\.start|new EmbeddedRun|LocalCluster\\.start|ProcessBuilder"
                    + "|env\\.execute|executeAsync|Chromium|PrometheusServer");

    @Test
    void everyTestThatStartsAServiceIsTaggedIntegration() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> tests = new java.util.ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path testSources : modules.map(m -> m.resolve("src/test/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> s = Files.walk(testSources)) {
                    s.filter(p -> p.toString().endsWith("Test.java"))
                            .filter(p -> !p.getFileName().toString().equals("IntegrationTagsTest.java"))
                            .forEach(tests::add);
                }
            }
        }
        assertThat(tests).as("test sources found under " + root).hasSizeGreaterThan(40);
        List<String> untagged = tests.stream().filter(p -> {
            String src = read(p);
            return STARTS_SOMETHING.matcher(src).find() && !src.contains("@Tag(\"integration\")");
        }).map(p -> root.relativize(p).toString()).toList();
        assertThat(untagged).as("start a broker, Flink, a browser or a JVM but are not @Tag(\"integration\")").isEmpty();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
