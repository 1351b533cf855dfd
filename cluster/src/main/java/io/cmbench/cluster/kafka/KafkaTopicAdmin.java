package io.cmbench.cluster.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates the pipeline's topics (idempotently) and fails with a clear message when Kafka is unreachable. */
public final class KafkaTopicAdmin {
    private KafkaTopicAdmin() {}

    public static void createTopics(String bootstrapServers, Properties clientProperties, Collection<String> topics,
                                    int partitions) {
        try (Admin admin = Admin.create(adminProperties(bootstrapServers, clientProperties))) {
            Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, (short) 1))
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
