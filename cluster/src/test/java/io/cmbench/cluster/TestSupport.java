package io.cmbench.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Helpers shared by the cluster tests. */
final class TestSupport {
    private TestSupport() {}

    /** The module's target directory (tests run with the module as working directory). */
    static Path target() {
        return Path.of("target").toAbsolutePath();
    }

    /** The repository root (parent of the module). */
    static Path repoRoot() {
        return Path.of("").toAbsolutePath().getParent();
    }

    /** A fresh cluster directory under target/test-clusters. */
    static Path clusterDir(String name) throws IOException {
        Path d = target().resolve("test-clusters").resolve(name);
        Files.createDirectories(d);
        return d;
    }

    /** Jars the classes of {@code packagePath} (e.g. io/cmbench/cluster/testjob) from target/test-classes. */
    static Path jarOf(String packagePath, String mainClass, Path jar) throws IOException {
        Path classes = target().resolve("test-classes");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        Files.createDirectories(jar.getParent());
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, mf);
             Stream<Path> files = Files.walk(classes.resolve(packagePath))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Lines of every regular file under {@code dir} containing {@code needle}. */
    static List<String> grep(Path dir, String needle) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> !f.toString().endsWith(".jar"))
                    .filter(f -> {
                        try {
                            return new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)
                                    .contains(needle);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .map(Path::toString)
                    .toList();
        }
    }
}
