package io.cmbench.loadgen;

import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.RequestEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a {@link RequestStream} to Kafka from one thread, in stream order, with an idempotent
 * producer: every partition receives its records in arrival-time order.
 *
 * <ul>
 *   <li>Requests: key = requestId (the default partitioner spreads them), value = the Avro
 *       single-object encoding of the event.
 *   <li>Heartbeats: sent once to <em>every</em> partition of the topic, so each partition receives a record at
 *       least every heartbeat interval of event time ({@link RequestStream}): its watermark advances, and none of
 *       its records is further ahead of the one before than the emulation job's max lead.
 *   <li>Record timestamp = wall clock at send, never the simulated arrival (brokers delete records
 *       whose timestamp is older than retention).
 * </ul>
 *
 * <p>Producer defaults (each overridable by the extra client properties): {@code acks=all}, {@code
 * enable.idempotence=true}, {@code max.in.flight.requests.per.connection=1}, {@code linger.ms=5}, {@code
 * batch.size=262144}, {@code compression.type=lz4}. Key and value serializers are always String/byte[].
 */
public final class KafkaRequestPublisher implements AutoCloseable {
  private static final int PROGRESS_EVERY_RECORDS = 4096;
  private static final long PROGRESS_EVERY_NANOS = 200_000_000L;

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final OpenLoopPacer.Clock clock;

  public KafkaRequestPublisher(String bootstrapServers, String topic, Properties extraClientProperties) {
    this(new KafkaProducer<>(producerProperties(bootstrapServers, extraClientProperties)), topic,
        OpenLoopPacer.Clock.SYSTEM);
  }

  /** For tests: any producer (e.g. Kafka's MockProducer) and clock. */
  KafkaRequestPublisher(Producer<String, byte[]> producer, String topic, OpenLoopPacer.Clock clock) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The producer configuration used: defaults, then the extra properties, then the serializers. */
  public static Properties producerProperties(String bootstrapServers, Properties extra) {
    Properties p = new Properties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "cmbench-load-generator");
    // A broker starved of CPU (a loaded 2-core machine) can take longer than the default 30 s to answer. A
    // timed-out in-flight request makes the idempotent producer resend a partition's sequence from 0, which
    // the broker refuses (OutOfOrderSequence) until the batch expires: seen in CI. Wait longer instead.
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
    // One produce request in flight per connection. With several, a partition's first batch (sequence 0) that
    // fails retriably while the next batches are appended can never be appended again: the broker, which had no
    // state for the producer, took sequence 1 onwards and now refuses 0 as out of order until the batch expires
    // (KAFKA-14359). Seen in CI as "0 (incoming seq. number), 59717 (current end sequence number)" and a
    // generator stalled for the delivery timeout.
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    if (extra != null) {
      for (String name : extra.stringPropertyNames()) {
        p.put(name, extra.getProperty(name));
      }
    }
    if (bootstrapServers != null) {
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }
    if (!p.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException("bootstrap servers are required");
    }
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  public String topic() {
    return topic;
  }

  /** Publishes in SIMULATION mode, or LIVE at speed 1. */
  public PublishStats publish(Iterator<RequestEvent> events, PublishMode mode, ProgressListener progress) {
    return publish(events, mode, 1.0, progress);
  }

  /**
   * Publishes every event, then flushes. In LIVE mode each event is sent at {@code start +
   * arrival / speed} (open loop); {@code speed} is ignored in SIMULATION mode.
   *
   * @throws KafkaException if a record could not be delivered (the first failure, after flushing)
   */
  public PublishStats publish(Iterator<RequestEvent> events, PublishMode mode, double speed, ProgressListener progress) {
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(mode, "mode");
    ProgressListener listener = progress == null ? ProgressListener.none() : progress;
    OpenLoopPacer pacer = mode == PublishMode.LIVE ? new OpenLoopPacer(speed, clock) : null;

    List<PartitionInfo> partitionInfos = producer.partitionsFor(topic);
    if (partitionInfos == null || partitionInfos.isEmpty()) {
      throw new KafkaException("topic " + topic + " has no partitions (does it exist?)");
    }
    int[] partitions = partitionInfos.stream().mapToInt(PartitionInfo::partition).sorted().toArray();

    Histogram latency = new SynchronizedHistogram(3);
    Histogram delay = new Histogram(3);
    AtomicLong acked = new AtomicLong();
    AtomicLong ackedBytes = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();

    long sent = 0;
    long lastSim = 0;
    long startNanos = clock.nanoTime();
    long lastProgressNanos = startNanos;
    if (pacer != null) {
      pacer.start();
    }
    try {
      while (events.hasNext()) {
        if (failure.get() != null) {
          break;
        }
        RequestEvent e = events.next();
        byte[] value = encode(e);
        String key = e.getRequestId();
        int size = value.length + key.getBytes(StandardCharsets.UTF_8).length;
        if (pacer != null) {
          long delayNanos = pacer.awaitSendTime(e.getArrivalTimeMicros());
          delay.recordValue(delayNanos / 1000);
        }
        long wallMillis = clock.currentTimeMillis();
        if (e.getKind() == EventKind.HEARTBEAT) {
          for (int p : partitions) {
            send(new ProducerRecord<>(topic, p, wallMillis, key, value), size, latency, acked, ackedBytes, failure);
            sent++;
          }
        } else {
          send(new ProducerRecord<>(topic, null, wallMillis, key, value), size, latency, acked, ackedBytes, failure);
          sent++;
        }
        lastSim = e.getArrivalTimeMicros();
        long now = clock.nanoTime();
        if (sent % PROGRESS_EVERY_RECORDS == 0 || now - lastProgressNanos >= PROGRESS_EVERY_NANOS) {
          listener.onProgress(sent, lastSim);
          lastProgressNanos = now;
        }
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      producer.flush();
      throw new KafkaException("interrupted while publishing", ie);
    }
    producer.flush();
    double wallSeconds = (clock.nanoTime() - startNanos) / 1e9;
    listener.onProgress(sent, lastSim);
    Exception err = failure.get();
    if (err != null) {
      throw new KafkaException("publishing to " + topic + " failed: " + err.getMessage(), err);
    }
    return new PublishStats(acked.get(), ackedBytes.get(), wallSeconds, latency.copy(), delay.copy());
  }

  private void send(ProducerRecord<String, byte[]> record, int size, Histogram latency, AtomicLong acked,
      AtomicLong ackedBytes, AtomicReference<Exception> failure) {
    long sendNanos = clock.nanoTime();
    producer.send(record, (metadata, exception) -> {
      if (exception != null) {
        failure.compareAndSet(null, exception);
        return;
      }
      latency.recordValue(Math.max(0, (clock.nanoTime() - sendNanos) / 1000));
      acked.incrementAndGet();
      ackedBytes.addAndGet(size);
    });
  }

  static byte[] encode(RequestEvent e) {
    try {
      ByteBuffer buf = e.toByteBuffer();
      byte[] out = new byte[buf.remaining()];
      buf.get(out);
      return out;
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot encode " + e.getRequestId(), ex);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
