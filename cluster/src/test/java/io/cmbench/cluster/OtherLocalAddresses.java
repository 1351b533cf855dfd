package io.cmbench.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The machine's non-loopback addresses (java.net.NetworkInterface) on which a server listening on ALL interfaces
 * answers — checked with a control listener on the wildcard address, so a probe that is refused there proves the
 * probed server does not listen on all interfaces (and is not just an unreachable address).
 */
public final class OtherLocalAddresses {
    private OtherLocalAddresses() {}

    /** Non-loopback addresses of interfaces that are up, where a wildcard listener can be reached. */
    public static List<InetAddress> reachableByAWildcardListener() throws IOException {
        List<InetAddress> out = new ArrayList<>();
        try (ServerSocket control = new ServerSocket()) {
            control.bind(new InetSocketAddress((InetAddress) null, 0)); // the wildcard address, as the old reporter
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && connects(a, control.getLocalPort())) {
                        out.add(a);
                    }
                }
            }
        }
        return out;
    }

    /** True when a TCP connection to {@code address:port} is accepted within 2 s. */
    public static boolean connects(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (SocketException e) {
            return false; // refused, unreachable
        } catch (IOException e) {
            return false; // timed out
        }
    }
}
