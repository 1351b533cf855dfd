package io.cmbench.cluster.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class EmbeddedKafkaBrokerTest {

    @TempDir
    Path tmp;

    @Test
    void startsServesAndCleansUp() throws Exception {
        Path workDir;
        int port;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, tmp)) {
            assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
            port = Integer.parseInt(broker.bootstrapServers().substring("127.0.0.1:".length()));
            workDir = broker.logFile().getParent();
            KafkaTopicAdmin.createTopics(broker.bootstrapServers(), new Properties(), List.of("t"), 2);

            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer =
                         new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("t", ("k" + i).getBytes(StandardCharsets.UTF_8),
                            ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
            }
            List<String> values = TopicReader.readAll(broker.bootstrapServers(), new Properties(), "t",
                    b -> new String(b, StandardCharsets.UTF_8));
            assertThat(values).hasSize(10).contains("v0", "v9");
            assertThat(TopicReader.count(broker.bootstrapServers(), new Properties(), "t")).isEqualTo(10);
        }
        assertThat(Files.exists(workDir)).as("temporary log dir removed").isFalse();
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(s.getLocalPort()).as("port released").isEqualTo(port);
        }
    }

    @Test
    void topicsAreReplicatedAsTheClusterAllowsAndKeepEverything() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, tmp)) {
            KafkaTopicAdmin.createTopics(broker.bootstrapServers(), new Properties(), List.of("kept"), 3);
            try (Admin admin = Admin.create(KafkaTopicAdmin.adminProperties(broker.bootstrapServers(), new Properties()))) {
                TopicDescription d = admin.describeTopics(List.of("kept")).allTopicNames().get().get("kept");
                assertThat(d.partitions()).hasSize(3);
                assertThat(d.partitions().get(0).replicas()).as("min(3, one broker)").hasSize(1);
                ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "kept");
                Config c = admin.describeConfigs(List.of(r)).all().get().get(r);
                assertThat(c.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("-1");
                assertThat(c.get(TopicConfig.RETENTION_BYTES_CONFIG).value()).isEqualTo("-1");
            }
            assertThatThrownBy(() -> KafkaTopicAdmin.createTopics(broker.bootstrapServers(), new Properties(),
                    List.of("over"), 1, 2)).hasMessage("--replication-factor: the cluster has 1 broker, got 2");
        }
        assertThat(KafkaTopicAdmin.replicationFactor(0, 5)).isEqualTo(3);
        assertThat(KafkaTopicAdmin.replicationFactor(0, 2)).isEqualTo(2);
        assertThat(KafkaTopicAdmin.replicationFactor(2, 5)).isEqualTo(2);
    }

    @Test
    void portInUseIsAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(taken.getLocalPort(), tmp))
                    .isInstanceOf(EmbeddedKafkaBroker.BrokerStartException.class)
                    .hasMessageContaining("--kafka-port " + taken.getLocalPort())
                    .hasMessageContaining("already in use");
        }
    }
}
