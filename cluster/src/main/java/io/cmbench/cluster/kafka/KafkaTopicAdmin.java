package io.cmbench.cluster.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates the pipeline's topics (idempotently) and fails with a clear message when Kafka is unreachable.
 *
 * <p>Topics are created as a user's cluster needs them: replicated (by default on min(3, brokers) brokers, so that the
 * producers' {@code acks=all} means something on a multi-broker cluster and still works on one broker) and kept
 * (no time or size retention: a run's inputs and results are read again by {@code report-from-topic}, and a cluster's
 * default retention must not delete a long run's requests before the jobs have read them — delete the topics when done).
 */
public final class KafkaTopicAdmin {
    /** Replicas per partition when the user does not say: enough to survive a broker loss, never more than exist. */
    public static final int DEFAULT_MAX_REPLICATION_FACTOR = 3;

    /** Topic-level settings every pipeline topic gets: nothing is deleted by age or size. */
    static final Map<String, String> KEEP_EVERYTHING = Map.of(
            TopicConfig.RETENTION_MS_CONFIG, "-1",
            TopicConfig.RETENTION_BYTES_CONFIG, "-1");

    private KafkaTopicAdmin() {}

    /** Creates the missing topics with {@code partitions} partitions, replicated on min(3, brokers) brokers. */
    public static void createTopics(String bootstrapServers, Properties clientProperties, Collection<String> topics,
                                    int partitions) {
        createTopics(bootstrapServers, clientProperties, topics, partitions, 0);
    }

    /**
     * Creates the missing topics. {@code replicationFactor} 0 means min(3, brokers); a larger factor than the cluster
     * has brokers is refused naming both.
     */
    public static void createTopics(String bootstrapServers, Properties clientProperties, Collection<String> topics,
                                    int partitions, int replicationFactor) {
        try (Admin admin = Admin.create(adminProperties(bootstrapServers, clientProperties))) {
            Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            int brokers = admin.describeCluster().nodes().get(15, TimeUnit.SECONDS).size();
            short replicas = (short) replicationFactor(replicationFactor, brokers);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, replicas).configs(KEEP_EVERYTHING))
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (TimeoutException | ExecutionException e) {
            throw unreachable(bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /** Deletes those of {@code topics} that exist (scratch topics a run made for itself). */
    public static void deleteTopics(String bootstrapServers, Properties clientProperties, Collection<String> topics) {
        try (Admin admin = Admin.create(adminProperties(bootstrapServers, clientProperties))) {
            Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            List<String> present = topics.stream().filter(existing::contains).toList();
            if (!present.isEmpty()) {
                admin.deleteTopics(present).all().get(30, TimeUnit.SECONDS);
            }
        } catch (TimeoutException | ExecutionException e) {
            throw unreachable(bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting topics", e);
        }
    }

    /** The replication factor to use: {@code requested}, or min(3, brokers) when it is 0. */
    static int replicationFactor(int requested, int brokers) {
        if (requested < 0) throw new IllegalArgumentException("--replication-factor: must be >= 1, got " + requested);
        if (requested == 0) return Math.max(1, Math.min(DEFAULT_MAX_REPLICATION_FACTOR, brokers));
        if (requested > brokers) {
            throw new IllegalArgumentException("--replication-factor: the cluster has " + brokers + " broker"
                    + (brokers == 1 ? "" : "s") + ", got " + requested);
        }
        return requested;
    }

    static Properties adminProperties(String bootstrapServers, Properties clientProperties) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        return props;
    }

    static IllegalStateException unreachable(String bootstrapServers, Exception e) {
        return new IllegalStateException("Kafka at " + bootstrapServers + " is unreachable or refused to create topics: "
                + rootMessage(e), e);
    }

    /**
     * Whether a Kafka cluster answers at {@code bootstrapServers} within {@code timeout}: null if it does, else why
     * not, in one line (a start-up check, so a bad address fails in seconds instead of after the clients' retries).
     */
    public static String whyUnreachable(String bootstrapServers, Properties clientProperties, java.time.Duration timeout) {
        // the timeout covers the client's own start (seconds on a loaded machine) and its close, not only the request
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = adminProperties(bootstrapServers, clientProperties);
        String ms = Long.toString(timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        Admin admin = null;
        try {
            admin = Admin.create(props);
            long left = Math.max(0, deadline - System.nanoTime());
            admin.describeCluster().clusterId().get(left, TimeUnit.NANOSECONDS);
            return null;
        } catch (TimeoutException e) {
            return "no Kafka broker answered within " + timeout.toSeconds() + " s";
        } catch (ExecutionException | RuntimeException e) {
            return rootMessage(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            if (admin != null) {
                admin.close(java.time.Duration.ZERO); // a pending call to a silent address is not waited for
            }
        }
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }
}
