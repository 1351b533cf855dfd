package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class ProducerFlakeTest {
    @Test
    void aDeliveryFailureRunsTheRetryOnceAndOtherFailuresFailAtOnce() throws Exception {
        AtomicInteger retries = new AtomicInteger();
        String r = ProducerFlake.retryOnce("t", () -> {
            throw new IllegalStateException("run failed", new KafkaException("publishing failed", new TimeoutException("Expiring 3 record(s)")));
        }, () -> "again " + retries.incrementAndGet());
        assertThat(r).isEqualTo("again 1");

        assertThatThrownBy(() -> ProducerFlake.retryOnce("t", () -> {
            throw new IllegalStateException("a real failure");
        }, () -> "never")).hasMessage("a real failure");

        assertThatThrownBy(() -> ProducerFlake.retryOnce("t", () -> {
            throw new TimeoutException("first");
        }, () -> {
            throw new TimeoutException("second");
        })).hasMessage("second");
    }
}
