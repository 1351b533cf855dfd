package io.cmbench.cluster.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A wait for a job gives up, naming the address, once the REST API has stopped answering (a dead JobManager). */
class FlinkRestClientUnreachableTest {

    @Test
    void aWaitEndsWhenNothingAnswersAnyMore() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        FlinkRestClient rest = new FlinkRestClient(URI.create("http://127.0.0.1:" + port + "/"), Duration.ofSeconds(2));
        FlinkRestException e = catchThrowableOfType(FlinkRestException.class,
                () -> rest.awaitState("0123", Set.of("RUNNING"), Duration.ofMinutes(30), Duration.ofSeconds(1)));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("127.0.0.1:" + port).contains("has not answered for 1 s").contains("job 0123");
        assertThat(e.status()).isEqualTo(-1);
    }
}
