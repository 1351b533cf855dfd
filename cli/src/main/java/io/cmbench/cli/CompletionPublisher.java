package io.cmbench.cli;

import io.cmbench.schemas.Completion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Publishes completions (single-object encoded, keyed by request id, as the emulation writes them) — the analytics job's input. */
final class CompletionPublisher {
    private CompletionPublisher() {}

    static void publish(String bootstrap, Properties clientProperties, String topic, List<Completion> completions) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // as the load generator does: a slow broker must not make the idempotent producer reset its sequences
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");   // as the load generator (KAFKA-14359)
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Completion c : completions) {
                ByteBuffer b = c.toByteBuffer();
                byte[] value = new byte[b.remaining()];
                b.get(value);
                producer.send(new ProducerRecord<>(topic, c.getRequestId().getBytes(java.nio.charset.StandardCharsets.UTF_8), value),
                        (meta, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("publishing completions to " + topic + " at " + bootstrap + " failed: "
                    + failure.get().getMessage(), failure.get());
        }
    }
}
