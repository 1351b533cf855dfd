package io.cmbench.cli;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows a topic from its beginning while a live run goes on, on a thread of its own (read_committed: what an
 * exactly-once job has committed; no consumer group), handing each record value to {@code each} with the wall-clock
 * time it was seen. {@link #close} reads on to the end offsets of that moment first, so nothing committed is missed.
 */
final class TopicTail implements AutoCloseable {
    /** What is done with a record value; {@code seenMillis} is when this process received it. */
    interface Handler {
        void accept(byte[] value, long seenMillis);
    }

    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closing;

    TopicTail(String bootstrap, Properties clientProperties, String topic, Handler each) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.thread = new Thread(() -> follow(props, topic, each), "cmbench-tail-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void follow(Properties props, String topic, Handler each) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            java.util.Map<TopicPartition, Long> end = null;
            while (true) {
                if (closing && end == null) {
                    end = consumer.endOffsets(partitions, Duration.ofSeconds(15));
                }
                if (end != null) {
                    java.util.Map<TopicPartition, Long> e = end;
                    if (partitions.stream().allMatch(tp -> consumer.position(tp) >= e.get(tp))) {
                        return;
                    }
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    each.accept(r.value(), System.currentTimeMillis());
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    /** Reads on to the current end of the topic, then stops; throws what went wrong while following, if anything. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(Duration.ofMinutes(2).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("following the topic failed: " + CommandErrors.describe(t), t);
        }
    }
}
