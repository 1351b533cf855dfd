package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import io.cmbench.cluster.kafka.KafkaTopicAdmin;
import io.cmbench.cluster.kafka.TopicReader;
import io.cmbench.jobs.EmulationJobConfig;
import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.KafkaTopics;
import io.cmbench.jobs.ServingEmulationJob;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.schemas.Completion;
import io.cmbench.schemas.DeadLetter;
import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.RequestEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile records written at fixed offsets of a real requests topic (two partitions), among valid ones, read by the
 * emulation job on a Flink MiniCluster: every hostile record is dead-lettered with its reason, no valid request is
 * lost, and completions and dead letters are identical over repeated runs and at parallelism 1 and 2. Among them,
 * records inside the run's horizon but far ahead of their partition: accepted, each would have raised its
 * partition's watermark and made the partition's valid records up to it late.
 */
@Tag("integration")
class HostileInputPipelineTest {
    private static final long STEP_MICROS = 100_000L;
    private static final int VALID = 200;
    private static final long LAST_ARRIVAL_MICROS = (VALID - 1) * STEP_MICROS;
    private static final long ALLOWANCE_MICROS = 1_000_000L;
    private static final String REQUESTS = "hostile.requests";
    private static final long MAX_LEAD_MICROS = io.cmbench.schemas.RequestRules.DEFAULT_MAX_LEAD_MICROS;

    @TempDir
    Path tmp;

    /** One record of the topic and what the job must make of it (a dead letter when {@code stage} is set). */
    record Written(int partition, byte[] value, String stage, String field, String reason) {
        boolean hostile() {
            return stage != null;
        }
    }

    static RequestEvent request(String id, long arrival) {
        return RequestEvent.newBuilder().setRequestId(id).setArrivalTimeMicros(arrival).setPromptTokens(512)
                .setOutputTokens(16).build();
    }

    static byte[] bytes(RequestEvent r) {
        try {
            ByteBuffer b = r.toByteBuffer();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String id(int i) {
        return String.format("r%010d", i);
    }

    /** The topic's records, partition by partition in the order written; each partition in arrival order. */
    static List<Written> topic() {
        List<Written> w = new ArrayList<>();
        long beyond = LAST_ARRIVAL_MICROS + ALLOWANCE_MICROS + 2_000_000L;
        for (int i = 0; i < VALID; i++) {
            int p = i % 2;
            long at = i * STEP_MICROS;
            w.add(new Written(p, bytes(request(id(i), at)), null, null, null));
            switch (i) {
                case 50 -> { // six records far ahead of the stream, mid-partition (issue 19's finding 2)
                    for (int k = 0; k < 6; k++) {
                        w.add(new Written(0, bytes(request("ahead-" + k, beyond)), "validate", "arrivalTimeMicros",
                                "got " + beyond));
                    }
                }
                case 40 -> // inside the horizon, 11 s ahead of partition 0 (at 4 s): would make 55 valid records late
                        w.add(new Written(0, bytes(request("ahead-15s", 15_000_000L)), "validate", "arrivalTimeMicros",
                                "too far ahead: arrival 15000000 is more than the max lead of " + MAX_LEAD_MICROS
                                        + " us after partition 0's position 4000000"));
                case 60 -> { // a heartbeat can be hostile too: it moves the watermark like a request
                    RequestEvent hb = RequestEvent.newBuilder().setKind(EventKind.HEARTBEAT).setRequestId("hb")
                            .setArrivalTimeMicros(18_000_000L).setPromptTokens(0).setOutputTokens(0).build();
                    w.add(new Written(0, bytes(hb), "validate", "arrivalTimeMicros",
                            "too far ahead: arrival 18000000 is more than the max lead of " + MAX_LEAD_MICROS
                                    + " us after partition 0's position 6000000"));
                }
                case 101 -> { // 1 us more than the max lead ahead of partition 1 (at 10.1 s)
                    long ahead = at + MAX_LEAD_MICROS + 1;
                    w.add(new Written(1, bytes(request("ahead-by-lead", ahead)), "validate", "arrivalTimeMicros",
                            "too far ahead: arrival " + ahead + " is more than the max lead"));
                }
                case 61 -> {
                    w.add(new Written(1, bytes(request("far-1e15", 1_000_000_000_000_000L)), "validate",
                            "arrivalTimeMicros", "got 1000000000000000"));
                    w.add(new Written(1, bytes(request("far-2^62", 1L << 62)), "validate", "arrivalTimeMicros",
                            "got " + (1L << 62)));
                }
                case 70 -> w.add(new Written(0, bytes(request("negative", -5)), "validate", "arrivalTimeMicros",
                        "must be >= 0, got -5"));
                // in order in its own partition, but r0000000010 (partition 0, arrival 1 s) came first
                case 81 -> w.add(new Written(1, bytes(request(id(10), at)), "dedup", "requestId",
                        "duplicate requestId 'r0000000010'"));
                case 91 -> {
                    byte[] ok = bytes(request("trailing", at));
                    w.add(new Written(1, Arrays.copyOf(ok, ok.length + 2), "validate", null,
                            "2 trailing bytes after the Avro body"));
                }
                case 120 -> w.add(new Written(0, bytes(request("late", 500_000L)), "validate", "arrivalTimeMicros",
                        "late: arrival 500000 is before arrival 12000000 already read from partition 0"));
                default -> { }
            }
        }
        for (int p = 0; p < 2; p++) { // the generator's final heartbeat, on every partition
            w.add(new Written(p, bytes(heartbeat(LAST_ARRIVAL_MICROS)), null, null, null));
        }
        return w;
    }

    static RequestEvent heartbeat(long atMicros) {
        return RequestEvent.newBuilder().setKind(EventKind.HEARTBEAT).setRequestId("hb").setArrivalTimeMicros(atMicros)
                .setPromptTokens(0).setOutputTokens(0).build();
    }

    record Run(List<Completion> completions, List<DeadLetter> deadLetters) {}

    @Test
    void hostileRecordsAreDeadLetteredWithTheirReasonAndRunsAreIdentical() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.of(0, tmp))) {
            String bootstrap = broker.bootstrapServers();
            KafkaTopicAdmin.createTopics(bootstrap, new Properties(), List.of(REQUESTS), 2);
            List<Written> topic = topic();
            List<long[]> offsets = write(bootstrap, REQUESTS, topic);

            int[] parallelisms = {2, 2, 2, 1};
            List<Run> runs = new ArrayList<>();
            for (int n = 0; n < parallelisms.length; n++) {
                runs.add(run(bootstrap, "run" + n, parallelisms[n]));
            }
            Run first = runs.get(0);

            // no valid request lost, none twice
            List<String> ids = first.completions().stream().map(Completion::getRequestId).toList();
            List<String> expectedIds = new ArrayList<>();
            for (int i = 0; i < VALID; i++) {
                expectedIds.add(id(i));
            }
            assertThat(ids).containsExactlyElementsOf(expectedIds);

            // every hostile record dead-lettered, at its offset, with its reason; nothing else
            List<Integer> hostile = new ArrayList<>();
            for (int i = 0; i < topic.size(); i++) {
                if (topic.get(i).hostile()) {
                    hostile.add(i);
                }
            }
            // in the order the dead letters are sorted in: partition, then offset
            hostile.sort(Comparator.<Integer>comparingLong(i -> offsets.get(i)[0]).thenComparingLong(i -> offsets.get(i)[1]));
            List<String> expected = hostile.stream().map(i -> topic.get(i).partition() + "/" + offsets.get(i)[1] + " "
                    + topic.get(i).stage() + " " + topic.get(i).field()).toList();
            assertThat(expected).hasSize(15);
            assertThat(first.deadLetters()).extracting(d -> d.getSourcePartition() + "/" + d.getSourceOffset() + " "
                    + d.getStage() + " " + d.getField()).containsExactlyElementsOf(expected);
            for (DeadLetter d : first.deadLetters()) {
                Written w = writtenAt(topic, offsets, d.getSourcePartition(), d.getSourceOffset());
                assertThat(d.getReason()).as("reason of %s", d).contains(w.reason());
                assertThat(d.getSourceTopic()).isEqualTo(REQUESTS);
                assertThat(toArray(d.getPayload())).as("the raw bytes travel with the reason").isEqualTo(w.value());
            }

            for (int n = 1; n < runs.size(); n++) {
                assertThat(runs.get(n).completions().toString()).as("completions of run %d (parallelism %d)", n,
                        parallelisms[n]).isEqualTo(first.completions().toString());
                assertThat(runs.get(n).deadLetters().toString()).as("dead letters of run %d (parallelism %d)", n,
                        parallelisms[n]).isEqualTo(first.deadLetters().toString());
            }
        }
    }

    /** Writes the records in order; returns each one's (partition, offset), checked against the order written. */
    static List<long[]> write(String bootstrap, String topicName, List<Written> topic) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1"); // idempotent, one batch in flight: in order
        List<long[]> offsets = new ArrayList<>();
        long[] next = new long[2];
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
            for (Written w : topic) {
                sent.add(producer.send(new ProducerRecord<>(topicName, w.partition(), null, w.value())));
            }
            for (int i = 0; i < topic.size(); i++) {
                RecordMetadata m = sent.get(i).get(60, TimeUnit.SECONDS);
                int partition = topic.get(i).partition();
                assertThat(m.offset()).as("fixed offsets").isEqualTo(next[partition]++);
                offsets.add(new long[] {partition, m.offset()});
            }
        }
        return offsets;
    }

    private Run run(String bootstrap, String name, int parallelism) throws Exception {
        KafkaTopics out = KafkaTopics.prefixed("hostile-" + name);
        KafkaTopics topics = new KafkaTopics(REQUESTS, out.completions(), out.steps(), out.sloWindows(), out.deadLetter());
        KafkaTopicAdmin.createTopics(bootstrap, new Properties(),
                List.of(topics.completions(), topics.steps(), topics.deadLetter()), 2);
        EmulationJobConfig cfg = new EmulationJobConfig(bootstrap, topics, List.of(ScenarioSpec.paperDefault()), 7L,
                EmulationMode.FULL, true, new Properties()).withHorizon(LAST_ARRIVAL_MICROS, ALLOWANCE_MICROS);
        ServingEmulationJob.runOnKafka(FlinkLocal.environment(parallelism, tmp.resolve(name)), cfg);

        List<Completion> completions = new ArrayList<>(TopicReader.readAll(bootstrap, new Properties(),
                topics.completions(), b -> decode(() -> Completion.fromByteBuffer(ByteBuffer.wrap(b)))));
        completions.sort(Comparator.comparing(Completion::getScenario).thenComparing(Completion::getRequestId));
        List<DeadLetter> dead = new ArrayList<>(TopicReader.readAll(bootstrap, new Properties(), topics.deadLetter(),
                b -> decode(() -> DeadLetter.fromByteBuffer(ByteBuffer.wrap(b)))));
        dead.sort(Comparator.comparingInt(DeadLetter::getSourcePartition).thenComparingLong(DeadLetter::getSourceOffset)
                .thenComparing(DeadLetter::getStage));
        return new Run(completions, dead);
    }

    static Written writtenAt(List<Written> topic, List<long[]> offsets, int partition, long offset) {
        for (int i = 0; i < topic.size(); i++) {
            if (offsets.get(i)[0] == partition && offsets.get(i)[1] == offset) {
                return topic.get(i);
            }
        }
        throw new AssertionError("no record at " + partition + "/" + offset);
    }

    static byte[] toArray(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    interface Decode<T> {
        T get() throws IOException;
    }

    static <T> T decode(Decode<T> d) {
        try {
            return d.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
