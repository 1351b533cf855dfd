package io.cmbench.cluster;

import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;

/**
 * The ports a local cluster binds on 127.0.0.1: a requested one checked before anything starts (so a port in use is
 * refused naming its option, not discovered in a JVM's log), or a free one chosen when the option is 0.
 */
final class LoopbackPorts {
    private LoopbackPorts() {}

    /** {@code port}, checked to be a free port number; a free port when it is 0. */
    static int requested(String option, int port) {
        if (port == 0) {
            return EmbeddedKafkaBroker.freePort();
        }
        if (port < 1 || port > 65535) {
            throw new ClusterStartException(option + " " + port + ": not a port number");
        }
        if (!isFree(port)) {
            throw new ClusterStartException(option + " " + port + ": port already in use on 127.0.0.1");
        }
        return port;
    }

    /** A free port that is none of {@code taken} (chosen before those are bound). */
    static int freeExcept(Set<Integer> taken) {
        for (int i = 0; i < 20; i++) {
            int p = EmbeddedKafkaBroker.freePort();
            if (!taken.contains(p)) {
                return p;
            }
        }
        throw new ClusterStartException("no free port on 127.0.0.1");
    }

    /** True when {@code port} can be bound on 127.0.0.1 now. */
    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
