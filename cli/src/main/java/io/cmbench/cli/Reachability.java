package io.cmbench.cli;

import io.cmbench.cluster.kafka.KafkaTopicAdmin;
import io.cmbench.cluster.rest.FlinkRestClient;
import java.time.Duration;
import java.util.Properties;

/**
 * The services a run is pointed at must answer before it starts: a Flink REST API ({@code --cluster}) within 3 s, then
 * a Kafka cluster ({@code --bootstrap}) within 5 s — one line of reason within 10 s, not a minute of client retries.
 */
final class Reachability {
    static final Duration FLINK = Duration.ofSeconds(3);
    static final Duration KAFKA = Duration.ofSeconds(5);

    private Reachability() {}

    static void check(String cluster, String bootstrap, Properties clientProperties) {
        if (cluster != null) {
            boolean up;
            try {
                up = new FlinkRestClient(cluster).isUp(FLINK);
            } catch (RuntimeException badAddress) {
                up = false;
            }
            if (!up) {
                throw new RunRefusedException("--cluster: no Flink REST API answered within "
                        + FLINK.toSeconds() + " s (start one with ./cmbench cluster start), got '" + cluster + "'");
            }
        }
        if (bootstrap != null) {
            String why = KafkaTopicAdmin.whyUnreachable(bootstrap, clientProperties, KAFKA);
            if (why != null) {
                throw new RunRefusedException("--bootstrap: Kafka is unreachable (" + why + "), got '"
                        + bootstrap + "'");
            }
        }
    }
}
