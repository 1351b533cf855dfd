package io.cmbench.cluster;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Linux only: the TCP ports a process listens on other than loopback, from /proc/net/tcp{,6} and /proc/PID/fd. */
final class ListeningSockets {
    private ListeningSockets() {}

    static Set<Integer> nonLoopbackListenPorts(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException gone) {
                    // fd closed meanwhile
                }
            }
        }
        Set<Integer> out = new TreeSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.strip().split("\\s+");
                if (!"0A".equals(f[3]) || !inodes.contains(f[9])) {
                    continue; // not LISTEN, or not this process
                }
                String[] local = f[1].split(":");
                String addr = local[0];
                boolean loopback = addr.equals("0100007F") || addr.equals("00000000000000000000000001000000")
                        || addr.equals("0000000000000000FFFF00000100007F");
                if (!loopback) {
                    out.add(Integer.parseInt(local[1], 16));
                }
            }
        }
        return out;
    }
}
