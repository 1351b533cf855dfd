package io.cmbench.cluster.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker with SASL/PLAIN on every listener: refuses a client without credentials and one with a wrong
 * password, serves one with the generated client properties, keeps its data over a stop/restart on the same
 * port, and never writes the password into its logs.
 */
@Tag("integration")
class SaslBrokerTest {
    @TempDir
    Path tmp;

    @Test
    void refusesClientsWithoutCredentialsAndServesClientsWithThem() throws Exception {
        Path dataDir = Path.of("target", "test-clusters", "sasl-broker").toAbsolutePath();
        deleteRecursively(dataDir);
        Path credentialsFile = tmp.resolve("credentials.properties");
        Files.writeString(credentialsFile, "username=bench\npassword=s3cret-Pa55word\n");
        SaslCredentials creds = SaslCredentials.load(credentialsFile);
        assertThat(creds.toString()).doesNotContain("s3cret");

        Path clientProps = creds.writeClientProperties(tmp.resolve("client.properties"));
        Properties fromFile = new Properties();
        try (var r = Files.newBufferedReader(clientProps)) {
            fromFile.load(r);
        }
        assertThat(fromFile).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN");
        assertThat(fromFile.getProperty("sasl.jaas.config")).contains("username=\"bench\"", "password=\"s3cret-Pa55word\"");

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(
                EmbeddedKafkaBroker.Options.of(0, tmp).withDataDir(dataDir).withSasl(creds))) {
            String bootstrap = broker.bootstrapServers();

            // No credentials: the PLAINTEXT client cannot even read metadata.
            assertThat(KafkaBrokerSetup.answers(bootstrap, new Properties(), Duration.ofSeconds(4))).isFalse();

            // Wrong password: an authentication error.
            Properties wrong = new SaslCredentials("bench", "wrong").clientProperties();
            assertThatThrownBy(() -> describe(bootstrap, wrong))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);

            // The client properties file: full service.
            KafkaTopicAdmin.createTopics(bootstrap, fromFile, List.of("secure"), 1);
            produce(bootstrap, fromFile, "secure", 3);
            assertThat(TopicReader.readAll(bootstrap, fromFile, "secure", b -> new String(b, StandardCharsets.UTF_8)))
                    .containsExactly("v0", "v1", "v2");

            // Stop and restart on the same port and data dir (the fault-test hooks).
            broker.stop();
            assertThat(broker.isRunning()).isFalse();
            broker.restart();
            assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
            assertThat(TopicReader.count(bootstrap, broker.clientProperties(), "secure")).isEqualTo(3);

            assertThat(grep(dataDir, "s3cret-Pa55word")).as("only the 0600 JAAS file holds the password")
                    .containsExactly(KafkaBrokerSetup.jaasFile(dataDir).toString());
            assertThat(Files.readString(broker.logFile())).doesNotContain("s3cret-Pa55word");
        }
        assertThat(Files.exists(dataDir.resolve("data"))).as("a fixed data dir is kept on close").isTrue();
    }

    @Test
    void credentialsFileMustHaveAPassword() throws IOException {
        Path f = tmp.resolve("c.properties");
        Files.writeString(f, "username=x\n");
        assertThatThrownBy(() -> SaslCredentials.load(f)).hasMessageContaining(f.toString()).hasMessageContaining("password");
        assertThatThrownBy(() -> new SaslCredentials("a", "with\"quote")).hasMessageContaining("password");
        SaslCredentials g = SaslCredentials.generate();
        assertThat(g.password()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(g.mask("pw=" + g.password())).isEqualTo("pw=****");
    }

    private static void describe(String bootstrap, Properties client) throws Exception {
        Properties p = new Properties();
        p.putAll(client);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().nodes().get(15, TimeUnit.SECONDS);
        }
    }

    private static void produce(String bootstrap, Properties client, String topic, int n) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
        }
    }

    private static List<String> grep(Path dir, String needle) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(needle);
                } catch (IOException e) {
                    return false;
                }
            }).map(Path::toString).toList();
        }
    }

    private static void deleteRecursively(Path d) throws IOException {
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(d)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
