package io.cmbench.cluster;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;

/**
 * Finds the cmbench checkout (the directory holding {@code cluster/target/flink-lib}) at run time: the
 * system property {@code cmbench.home}, the environment variable {@code CMBENCH_HOME}, then the current
 * directory and the location of this class, each searched upwards.
 */
public final class CmbenchHome {
    public static final String FLINK_LIB = "cluster/target/flink-lib";
    public static final String KAFKA_LIB = "cluster/target/kafka-lib";

    private CmbenchHome() {}

    /** The checkout root, or an {@link IllegalStateException} saying how to build or point to it. */
    public static Path locate() {
        return find().orElseThrow(() -> new IllegalStateException(
                "cannot find " + FLINK_LIB + " (the Flink class path of the local cluster): build it with "
                        + "`mvn -B -DskipTests package` in the cmbench checkout, or point -Dcmbench.home= to the checkout"));
    }

    public static Optional<Path> find() {
        String prop = System.getProperty("cmbench.home");
        if (prop != null && !prop.isBlank()) {
            return Optional.of(Path.of(prop).toAbsolutePath().normalize()).filter(CmbenchHome::isHome);
        }
        String env = System.getenv("CMBENCH_HOME");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env).toAbsolutePath().normalize()).filter(CmbenchHome::isHome);
        }
        Optional<Path> fromCwd = searchUp(Path.of("").toAbsolutePath());
        if (fromCwd.isPresent()) {
            return fromCwd;
        }
        try {
            CodeSource src = CmbenchHome.class.getProtectionDomain().getCodeSource();
            if (src != null) {
                return searchUp(Path.of(src.getLocation().toURI()).toAbsolutePath());
            }
        } catch (URISyntaxException | RuntimeException ignored) {
            // fall through
        }
        return Optional.empty();
    }

    private static Optional<Path> searchUp(Path start) {
        for (Path p = start; p != null; p = p.getParent()) {
            if (isHome(p)) {
                return Optional.of(p.normalize());
            }
        }
        return Optional.empty();
    }

    private static boolean isHome(Path p) {
        return Files.isDirectory(p.resolve(FLINK_LIB)) && Files.isDirectory(p.resolve(KAFKA_LIB));
    }
}
