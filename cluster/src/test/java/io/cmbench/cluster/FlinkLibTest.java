package io.cmbench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.cluster.metrics.BoundPrometheusReporterFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Flink processes' class path is Flink's plus Avro (loaded parent-first); the broker's holds the broker. */
class FlinkLibTest {

    @Test
    void flinkLibHoldsFlinkItsLoggingAndAvroButNoBrokerJars() throws IOException {
        List<String> jars = names(TestSupport.target().resolve("flink-lib"));
        assertThat(jars).anyMatch(j -> j.startsWith("flink-runtime-2."))
                .anyMatch(j -> j.startsWith("flink-runtime-web-"))
                .anyMatch(j -> j.startsWith("flink-clients-"))
                .anyMatch(j -> j.startsWith("flink-streaming-java-"))
                .anyMatch(j -> j.startsWith("flink-rpc-akka-loader-"))
                .anyMatch(j -> j.startsWith("flink-metrics-prometheus-"))
                .anyMatch(j -> j.startsWith("log4j-slf4j-impl-"))
                .anyMatch(j -> j.startsWith("log4j-core-"))
                .anyMatch(j -> j.startsWith("slf4j-api-"))
                // Avro, which FlinkSetup makes every job load from here, and the Jackson it links against
                .anyMatch(j -> j.startsWith("avro-1.")).anyMatch(j -> j.startsWith("jackson-databind-"))
                .anyMatch(j -> j.startsWith("jackson-core-"));
        assertThat(jars).noneMatch(j -> j.startsWith("kafka") || j.startsWith("scala") || j.startsWith("picocli")
                || j.startsWith("junit") || j.startsWith("jackson-dataformat") || j.startsWith("jackson-datatype")
                || j.startsWith("snakeyaml-2") || j.startsWith("HdrHistogram"));
        // one version of each library: Avro's newer commons-compress would displace the one Flink was built with
        assertThat(jars.stream().filter(j -> j.startsWith("commons-compress-"))).singleElement();
        assertThat(FlinkSetup.PARENT_FIRST_PATTERNS).isEqualTo("org.apache.avro.");
        // of cmbench, only the Prometheus reporter that binds 127.0.0.1
        assertThat(jars.stream().filter(j -> j.startsWith("cmbench-")))
                .singleElement().asString().matches("cmbench-cluster-.*-prometheus-reporter\\.jar");
    }

    @Test
    void theReporterJarRegistersItsFactoryWhichTheModuleJarDoesNot() throws IOException {
        String service = "META-INF/services/org.apache.flink.metrics.reporter.MetricReporterFactory";
        Path jar;
        try (Stream<Path> s = Files.list(TestSupport.target().resolve("flink-lib"))) {
            jar = s.filter(p -> p.getFileName().toString().endsWith("-prometheus-reporter.jar")).findFirst().orElseThrow();
        }
        try (JarFile j = new JarFile(jar.toFile())) {
            JarEntry e = j.getJarEntry(service);
            assertThat(e).as(service + " in " + jar).isNotNull();
            String text = new String(j.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")))
                    .containsExactly(BoundPrometheusReporterFactory.class.getName());
            assertThat(j.getJarEntry(BoundPrometheusReporterFactory.class.getName().replace('.', '/') + ".class"))
                    .isNotNull();
            assertThat(j.getJarEntry("io/cmbench/cluster/LocalCluster.class")).isNull();
        }
        // the cmbench JVM loads the module's classes without Flink's reporter jar: no services entry there
        assertThat(TestSupport.target().resolve("classes").resolve(service)).doesNotExist();
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
