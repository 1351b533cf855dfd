package io.cmbench.cluster.kafka;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A run's exclusive hold on a topic prefix: the topic {@code PREFIX.claim}, created with create-if-absent semantics.
 * The controller decides which of two concurrent creations wins (the other gets {@link TopicExistsException}), so
 * two runs on one prefix can never both pass; the loser is refused before it writes anything. Closing deletes the
 * claim topic. A run killed with SIGKILL leaves it behind: {@link Taken}'s message says how to remove it.
 */
public final class TopicClaim implements AutoCloseable {
    private final String bootstrapServers;
    private final Properties clientProperties;
    private final String topic;

    private TopicClaim(String bootstrapServers, Properties clientProperties, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = clientProperties;
        this.topic = topic;
    }

    /** The claim topic of a prefix. */
    public static String topicOf(String prefix) {
        return prefix + ".claim";
    }

    /**
     * Claims {@code prefix} or throws {@link Taken} when another run holds it; {@link IllegalStateException} when
     * Kafka does not answer.
     */
    public static TopicClaim acquire(String bootstrapServers, Properties clientProperties, String prefix) {
        String topic = topicOf(prefix);
        try (Admin admin = Admin.create(KafkaTopicAdmin.adminProperties(bootstrapServers, clientProperties))) {
            NewTopic claim = new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("retention.ms", "-1", "cleanup.policy", "delete"));
            admin.createTopics(List.of(claim)).all().get(30, TimeUnit.SECONDS);
            return new TopicClaim(bootstrapServers, clientProperties, topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                throw new Taken(prefix, topic);
            }
            throw KafkaTopicAdmin.unreachable(bootstrapServers, e);
        } catch (TimeoutException e) {
            throw KafkaTopicAdmin.unreachable(bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while claiming the topic prefix " + prefix, e);
        }
    }

    public String topic() {
        return topic;
    }

    /**
     * Gives the prefix back (deletes the claim topic) within 5 s; best effort: if Kafka is gone, the next run on the
     * prefix is refused with a message saying how to remove the claim.
     */
    @Override
    public void close() {
        Admin admin = Admin.create(KafkaTopicAdmin.adminProperties(bootstrapServers, clientProperties));
        try {
            admin.deleteTopics(List.of(topic)).all().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // Kafka went away or is going (Ctrl-C)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admin.close(java.time.Duration.ofSeconds(1));
        }
    }

    /** Another run holds the prefix. */
    public static final class Taken extends RuntimeException {
        Taken(String prefix, String topic) {
            super("--topic-prefix: another run is using this prefix (its claim topic " + topic + " exists; if no run is,"
                    + " delete that topic), got '" + prefix + "'");
        }
    }
}
