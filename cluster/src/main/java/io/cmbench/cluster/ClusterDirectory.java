package io.cmbench.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where each file of a local cluster lives, and the directory's preparation for a fresh start:
 *
 * <pre>
 *   cluster.properties   ports and settings (read by status/stop from another invocation; {@link ClusterState})
 *   conf/                Flink config.yaml, log4j.properties, memory params
 *   kafka/               server.properties, JAAS file (SASL), data/ (kept across broker restarts)
 *   security/            client.properties (SASL), credentials.properties (generated credentials)
 *   logs/                kafka.log, jobmanager.log/.out, taskmanager-N.log/.out
 *   pids/                ROLE.pid
 *   lib/flink, lib/kafka hard links to the jars (a rebuild does not pull them from under the JVMs)
 *   tmp/, jars/, checkpoints/, savepoints/
 * </pre>
 */
final class ClusterDirectory {
    private static final List<String> PER_START = List.of("conf", "kafka", "logs", "pids", "tmp", "jars", "checkpoints",
            "savepoints", "lib", "security");

    private final Path dir;

    ClusterDirectory(Path dir) {
        this.dir = dir;
    }

    Path path() {
        return dir;
    }

    Path logs() {
        return dir.resolve("logs");
    }

    Path kafka() {
        return dir.resolve("kafka");
    }

    Path clientProperties() {
        return dir.resolve("security").resolve("client.properties");
    }

    Path generatedCredentials() {
        return dir.resolve("security").resolve("credentials.properties");
    }

    String flinkClassPath() {
        return dir.resolve("lib").resolve("flink") + "/*";
    }

    String kafkaClassPath() {
        return dir.resolve("lib").resolve("kafka") + "/*";
    }

    /** Removes what a previous start left (config, data, logs, state) and creates the log directory. */
    void reset() {
        try {
            Files.createDirectories(dir);
            for (String sub : PER_START) {
                deleteRecursively(dir.resolve(sub));
            }
            Files.deleteIfExists(dir.resolve(ClusterState.FILE));
            Files.createDirectories(logs());
        } catch (IOException e) {
            throw new ClusterStartException("cannot prepare the cluster directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Hard-links (or copies, across file systems) the Flink and Kafka jars into lib/flink and lib/kafka. */
    void linkJars(Path flinkLib, Path kafkaLib) {
        link(flinkLib, dir.resolve("lib").resolve("flink"));
        link(kafkaLib, dir.resolve("lib").resolve("kafka"));
    }

    private static void link(Path from, Path to) {
        try (Stream<Path> jars = Files.list(from)) {
            Files.createDirectories(to);
            for (Path jar : (Iterable<Path>) jars::iterator) {
                Path target = to.resolve(jar.getFileName());
                try {
                    Files.createLink(target, jar);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(jar, target);
                }
            }
        } catch (IOException e) {
            throw new ClusterStartException("cannot set up the class path in " + to + ": " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(f);
            }
        }
    }
}
