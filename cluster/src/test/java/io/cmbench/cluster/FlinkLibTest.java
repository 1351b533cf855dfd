package io.cmbench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Flink processes' class path is Flink-only; the broker's holds the broker. */
class FlinkLibTest {

    @Test
    void flinkLibHoldsFlinkAndItsLoggingButNoBrokerJars() throws IOException {
        List<String> jars = names(TestSupport.target().resolve("flink-lib"));
        assertThat(jars).anyMatch(j -> j.startsWith("flink-runtime-2."))
                .anyMatch(j -> j.startsWith("flink-runtime-web-"))
                .anyMatch(j -> j.startsWith("flink-clients-"))
                .anyMatch(j -> j.startsWith("flink-streaming-java-"))
                .anyMatch(j -> j.startsWith("flink-rpc-akka-loader-"))
                .anyMatch(j -> j.startsWith("flink-metrics-prometheus-"))
                .anyMatch(j -> j.startsWith("log4j-slf4j-impl-"))
                .anyMatch(j -> j.startsWith("log4j-core-"))
                .anyMatch(j -> j.startsWith("slf4j-api-"));
        assertThat(jars).noneMatch(j -> j.startsWith("kafka") || j.startsWith("scala") || j.startsWith("picocli")
                || j.startsWith("junit") || j.startsWith("jackson-databind") || j.startsWith("snakeyaml-2")
                || j.startsWith("cmbench-") || j.startsWith("avro-") || j.startsWith("HdrHistogram"));
    }

    @Test
    void kafkaLibHoldsTheBroker() throws IOException {
        List<String> jars = names(TestSupport.target().resolve("kafka-lib"));
        assertThat(jars).anyMatch(j -> j.startsWith("kafka_2.13-")).anyMatch(j -> j.startsWith("kafka-clients-"))
                .anyMatch(j -> j.startsWith("log4j-core-"));
        assertThat(jars).noneMatch(j -> j.startsWith("flink-"));
    }

    @Test
    void homeIsFoundFromTheModuleDirectory() {
        assertThat(CmbenchHome.locate()).isEqualTo(TestSupport.repoRoot());
        assertThat(ClusterSpec.defaultDir()).isEqualTo(TestSupport.repoRoot().resolve(".cmbench/cluster"));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
