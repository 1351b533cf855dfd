package io.cmbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.RequestEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaRequestPublisherTest {
  static final String TOPIC = "cmbench.requests";
  static final int PARTITIONS = 4;

  static MockProducer<String, byte[]> mockProducer(boolean autoComplete) {
    Node node = new Node(0, "localhost", 9092);
    List<PartitionInfo> parts = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      parts.add(new PartitionInfo(TOPIC, p, node, new Node[] {node}, new Node[] {node}));
    }
    Cluster cluster = new Cluster("c", List.of(node), parts, Set.of(), Set.of());
    return new MockProducer<>(cluster, autoComplete, null, new StringSerializer(), new ByteArraySerializer());
  }

  static RequestEvent decode(byte[] value) throws Exception {
    return RequestEvent.fromByteBuffer(ByteBuffer.wrap(value));
  }

  @Test
  void simulationPublishesKeyedRequestsAndFansHeartbeatsOutToEveryPartition() throws Exception {
    MockProducer<String, byte[]> producer = mockProducer(true);
    OpenLoopPacerTest.FakeClock clock = new OpenLoopPacerTest.FakeClock();
    WorkloadSpec spec = WorkloadSpec.constant(2, 10_000_000, 100, 10).withHeartbeatIntervalMicros(400_000);
    List<RequestEvent> expected = new ArrayList<>();
    new RequestStream(spec, 9).forEachRemaining(expected::add);
    long hbs = expected.stream().filter(RequestStream::isHeartbeat).count();
    long reqs = expected.size() - hbs;
    assertThat(hbs).isGreaterThan(1);

    List<long[]> progress = new ArrayList<>();
    PublishStats stats;
    try (KafkaRequestPublisher pub = new KafkaRequestPublisher(producer, TOPIC, clock)) {
      stats = pub.publish(new RequestStream(spec, 9), PublishMode.SIMULATION,
          (n, sim) -> progress.add(new long[] {n, sim}));
    }
    List<ProducerRecord<String, byte[]>> sent = producer.history();
    assertThat(sent).hasSize((int) (reqs + hbs * PARTITIONS));
    assertThat(stats.records()).isEqualTo(sent.size());
    assertThat(stats.publishLatencyMicros().getTotalCount()).isEqualTo(sent.size());
    assertThat(stats.publishDelayMicros().getTotalCount()).isZero();
    long bytes = sent.stream().mapToLong(r -> r.value().length + r.key().length()).sum();
    assertThat(stats.bytes()).isEqualTo(bytes);
    assertThat(progress).isNotEmpty();
    assertThat(progress.get(progress.size() - 1)).containsExactly(sent.size(), 10_000_000L);

    // Stream order is preserved; heartbeats go to partitions 0..3 in a row; record timestamps are wall clock.
    int i = 0;
    Map<Integer, Long> lastTimePerPartition = new HashMap<>();
    for (RequestEvent e : expected) {
      if (e.getKind() == EventKind.HEARTBEAT) {
        for (int p = 0; p < PARTITIONS; p++) {
          ProducerRecord<String, byte[]> r = sent.get(i++);
          assertThat(r.partition()).isEqualTo(p);
          assertThat(r.key()).isEqualTo(e.getRequestId());
          assertThat(decode(r.value())).isEqualTo(e);
          lastTimePerPartition.put(p, e.getArrivalTimeMicros());
        }
      } else {
        ProducerRecord<String, byte[]> r = sent.get(i++);
        assertThat(r.partition()).isNull();
        assertThat(r.key()).isEqualTo(e.getRequestId());
        assertThat(r.value()).isEqualTo(KafkaRequestPublisher.encode(e));
        assertThat(r.timestamp()).isGreaterThan(1_600_000_000_000L);
      }
    }
    // final heartbeat reached every partition at the end of the span
    assertThat(lastTimePerPartition).hasSize(PARTITIONS).allSatisfy((p, t) -> assertThat(t).isEqualTo(10_000_000L));
  }

  @Test
  void everyPartitionReceivesAHeartbeatAtLeastEveryInterval() throws Exception {
    // 0.3 requests/s over 4 partitions: a partition may get no request for many seconds; the emulation job refuses a
    // record more than its max lead (>= the interval) after the one before in its partition, so heartbeats must fill in
    MockProducer<String, byte[]> producer = mockProducer(true);
    WorkloadSpec spec = WorkloadSpec.poisson(0.3, 30_000_000, 100, 10).withHeartbeatIntervalMicros(700_000);
    try (KafkaRequestPublisher pub =
             new KafkaRequestPublisher(producer, TOPIC, new OpenLoopPacerTest.FakeClock())) {
      pub.publish(new RequestStream(spec, 2), PublishMode.SIMULATION, ProgressListener.none());
    }
    Map<Integer, List<Long>> heartbeatsPerPartition = new HashMap<>();
    for (ProducerRecord<String, byte[]> r : producer.history()) {
      RequestEvent e = decode(r.value());
      if (RequestStream.isHeartbeat(e)) {
        heartbeatsPerPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(e.getArrivalTimeMicros());
      }
    }
    assertThat(heartbeatsPerPartition).hasSize(PARTITIONS);
    heartbeatsPerPartition.forEach((p, times) -> {
      long previous = 0; // the run's start
      for (long t : times) {
        assertThat(t - previous).as("partition %d: heartbeat at %d after %d", p, t, previous)
            .isBetween(0L, 700_000L);
        previous = t;
      }
      assertThat(previous).as("partition %d hears until the end of the span", p).isEqualTo(30_000_000L);
    });
  }

  @Test
  void liveModeRecordsPublishDelayAgainstTheOpenLoopSchedule() {
    MockProducer<String, byte[]> producer = mockProducer(true);
    OpenLoopPacerTest.FakeClock clock = new OpenLoopPacerTest.FakeClock();
    // 10 requests 100 ms apart at speed 2 -> 50 ms apart on the wall clock
    WorkloadSpec spec = WorkloadSpec.constant(10, 1_000_000, 100, 10);
    PublishStats stats;
    try (KafkaRequestPublisher pub = new KafkaRequestPublisher(producer, TOPIC, clock)) {
      stats = pub.publish(new RequestStream(spec, 1), PublishMode.LIVE, 2.0, ProgressListener.none());
    }
    // 9 requests (t = 0.1 .. 0.9 s) + 1 final heartbeat at 1.0 s
    assertThat(stats.publishDelayMicros().getTotalCount()).isEqualTo(10);
    assertThat(stats.publishDelayMicros().getMaxValue()).isZero();
    assertThat(stats.wallSeconds()).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(clock.sleeps).hasSize(10).allSatisfy(s -> assertThat(s).isEqualTo(50_000_000L));
    assertThat(stats.records()).isEqualTo(9 + PARTITIONS);
  }

  @Test
  void aFailedSendIsReported() {
    MockProducer<String, byte[]> producer = mockProducer(false);
    OpenLoopPacerTest.FakeClock clock = new OpenLoopPacerTest.FakeClock();
    RequestStream stream = new RequestStream(WorkloadSpec.constant(10, 1_000_000, 1, 1), 1);
    java.util.Iterator<RequestEvent> failing = new java.util.Iterator<>() {
      int calls;

      @Override
      public boolean hasNext() {
        return stream.hasNext();
      }

      @Override
      public RequestEvent next() {
        if (calls++ == 1) {
          producer.errorNext(new RuntimeException("broker on fire")); // the first send fails
        }
        return stream.next();
      }
    };
    try (KafkaRequestPublisher pub = new KafkaRequestPublisher(producer, TOPIC, clock)) {
      assertThatThrownBy(() -> pub.publish(failing, PublishMode.SIMULATION, ProgressListener.none()))
          .isInstanceOf(KafkaException.class)
          .hasMessageContaining("broker on fire");
      assertThat(producer.history()).hasSize(2); // stopped right after the failure was seen
    }
  }

  @Test
  void producerDefaultsAndOverrides() {
    Properties extra = new Properties();
    extra.setProperty("compression.type", "zstd");
    extra.setProperty("security.protocol", "SASL_SSL");
    extra.setProperty("key.serializer", "x.Y");
    Properties p = KafkaRequestPublisher.producerProperties("h:1", extra);
    assertThat(p.getProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isEqualTo("true");
    assertThat(p.getProperty(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
    // one request in flight: an idempotent producer cannot then strand a partition's first batch (KAFKA-14359)
    assertThat(p.getProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION)).isEqualTo("1");
    assertThat(p.getProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG)).isEqualTo("zstd");
    assertThat(p.getProperty("security.protocol")).isEqualTo("SASL_SSL");
    assertThat(p.getProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("h:1");
    assertThat(p.getProperty(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG)).isEqualTo(StringSerializer.class.getName());
  }

  @Test
  void statsHelpers() {
    org.HdrHistogram.Histogram lat = new org.HdrHistogram.Histogram(3);
    lat.recordValue(1500);
    PublishStats s = new PublishStats(1000, 2_000_000, 2.0, lat, new org.HdrHistogram.Histogram(3));
    assertThat(s.recordsPerSecond()).isEqualTo(500.0);
    assertThat(s.megabytesPerSecond()).isEqualTo(1.0);
    assertThat(s.summary()).contains("500 records/s").contains("1.000 MB/s").contains("p99 1.50 ms")
        .contains("publish delay (intended->sent) n/a");
  }
}
