package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import io.cmbench.cluster.kafka.KafkaTopicAdmin;
import io.cmbench.cluster.kafka.TopicClaim;
import io.cmbench.cluster.kafka.TopicReader;
import io.cmbench.schemas.Completion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs never share anything by accident: a run directory is never reused, a topic prefix is held by one run at a time
 * (a real KRaft broker decides), leftover records in any of a run's topics refuse it before it writes, a foreign record
 * in a result topic is counted instead of crashing the read-back, and no run leaves its tmp/ behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("integration")
class RunIsolationTest {

    @TempDir
    Path tmp;

    private EmbeddedKafkaBroker broker;

    @BeforeAll
    void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(0, Files.createTempDirectory("cmbench-isolation-"));
    }

    @AfterAll
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void twoConcurrentClaimsOnOnePrefixOneWinsOneIsRefused() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Callable<TopicClaim> claim = () -> {
            go.await();
            return TopicClaim.acquire(broker.bootstrapServers(), new Properties(), "contested");
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<TopicClaim>> both = List.of(pool.submit(claim), pool.submit(claim));
            go.countDown();
            List<TopicClaim> won = new ArrayList<>();
            List<Throwable> refused = new ArrayList<>();
            for (Future<TopicClaim> f : both) {
                try {
                    won.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    refused.add(e.getCause());
                }
            }
            assertThat(won).hasSize(1);
            assertThat(refused).hasSize(1);
            assertThat(refused.get(0)).isInstanceOf(TopicClaim.Taken.class).hasMessage("--topic-prefix: another run is using this prefix (its claim topic contested.claim exists;"
                            + " if no run is, delete that topic), got 'contested'");
            // released: the prefix can be claimed again
            won.get(0).close();
            TopicClaim.acquire(broker.bootstrapServers(), new Properties(), "contested").close();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLeftoverNonAvroDeadLetterRefusesTheRunUpFrontNamingTheTopic() throws Exception {
        KafkaTopicAdmin.createTopics(broker.bootstrapServers(), new Properties(), List.of("left.dead-letter"), 1);
        produce("left.dead-letter", "not avro at all".getBytes(StandardCharsets.UTF_8));
        Path out = tmp.resolve("left");
        CommandLineErrorsTest.Outcome o = CommandLineErrorsTest.execute("run", "--bootstrap", broker.bootstrapServers(),
                "--topic-prefix", "left", "--rate", "20", "--duration", "2", "--window", "1", "--quiet",
                "--out", out.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.firstLine()).isEqualTo("cmbench: --topic-prefix: topic left.dead-letter at " + broker.bootstrapServers()
                + " already holds 1 record(s) from an earlier run; give this run its own topics with --topic-prefix NAME,"
                + " got 'left'");
        assertThat(o.err()).doesNotContain("\tat ");
        // refused before it wrote: no request produced, the claim given back, no tmp/ left (a failed run)
        assertThat(countOrZero("left.requests")).isZero();
        assertThat(topics()).doesNotContain(TopicClaim.topicOf("left"));
        assertThat(out.resolve("tmp")).doesNotExist();
    }

    @Test
    void aSecondRunOnAClaimedPrefixIsRefusedBeforeItWrites() throws Exception {
        try (TopicClaim first = TopicClaim.acquire(broker.bootstrapServers(), new Properties(), "busy")) {
            CommandLineErrorsTest.Outcome o = CommandLineErrorsTest.execute("run", "--bootstrap", broker.bootstrapServers(),
                    "--topic-prefix", "busy", "--rate", "20", "--duration", "2", "--window", "1", "--quiet",
                    "--out", tmp.resolve("busy").toString());
            assertThat(o.code()).isEqualTo(2);
            assertThat(o.firstLine()).startsWith("cmbench: --topic-prefix: another run is using this prefix");
            assertThat(countOrZero("busy.requests")).isZero();
            assertThat(topics()).as("the loser must not delete the winner's claim").contains(first.topic());
        }
    }

    @Test
    void aForeignRecordInAResultTopicIsCountedNotFatal() throws Exception {
        KafkaTopicAdmin.createTopics(broker.bootstrapServers(), new Properties(), List.of("mixed.completions"), 1);
        Completion c = Completion.newBuilder().setRequestId("r1").setScenario("s").setArrivalTimeMicros(1)
                .setPromptTokens(4).setOutputTokens(5).setPrefillStartMicros(1).setPrefillEndMicros(2)
                .setKvTransferEndMicros(2).setFirstTokenMicros(2).setLastTokenMicros(3).setPrefillNpus(1).setDecodeNpus(1)
                .build();
        ByteBuffer avro = c.toByteBuffer();
        byte[] bytes = new byte[avro.remaining()];
        avro.get(bytes);
        produce("mixed.completions", "garbage".getBytes(StandardCharsets.UTF_8));
        produce("mixed.completions", bytes);
        Map<String, Long> foreign = new LinkedHashMap<>();
        List<Completion> read = ResultReader.read(broker.bootstrapServers(), new Properties(), "mixed.completions", foreign,
                b -> Completion.fromByteBuffer(ByteBuffer.wrap(b)));
        assertThat(read).containsExactly(c);
        assertThat(foreign).containsExactly(Map.entry("mixed.completions", 1L));
    }

    @Test
    void aSuccessfulRunLeavesNoTmpAndGivesItsPrefixBack() throws Exception {
        Path out = tmp.resolve("ok");
        CommandLineErrorsTest.Outcome o = CommandLineErrorsTest.execute("run", "--bootstrap", broker.bootstrapServers(),
                "--topic-prefix", "ok", "--rate", "20", "--duration", "3", "--window", "1", "--quiet", "--parallelism", "1",
                "--out", out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(out.resolve("summary.json")).exists();
        assertThat(out.resolve("tmp")).doesNotExist();
        assertThat(out.resolve(".cmbench.lock")).doesNotExist();
        assertThat(topics()).doesNotContain(TopicClaim.topicOf("ok"));
    }

    @Test
    void runDirectoriesAreNeverShared() throws Exception {
        Path a = RunDirectory.createUnique(tmp.resolve("runs"), "20260101-000000");
        Path b = RunDirectory.createUnique(tmp.resolve("runs"), "20260101-000000");
        Path c = RunDirectory.createUnique(tmp.resolve("runs"), "20260101-000000");
        assertThat(List.of(a, b, c)).doesNotHaveDuplicates();
        assertThat(b.getFileName().toString()).isEqualTo("20260101-000000-2");
        // an explicit --out held by a live run is refused
        try (RunDirectory held = RunDirectory.claim(tmp.resolve("shared"), null, "")) {
            assertThatThrownBy(() -> RunDirectory.claim(tmp.resolve("shared"), null, ""))
                    .isInstanceOf(RunRefusedException.class)
                    .hasMessage("--out: another run is writing to this directory, got '" + held.path() + "'");
        }
        RunDirectory.claim(tmp.resolve("shared"), null, "").close(); // released with the run
    }

    private void produce(String topic, byte[] value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, value)).get();
        }
    }

    private long countOrZero(String topic) {
        return topics().contains(topic) ? TopicReader.count(broker.bootstrapServers(), new Properties(), topic) : 0;
    }

    private java.util.Set<String> topics() {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            return admin.listTopics().names().get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
