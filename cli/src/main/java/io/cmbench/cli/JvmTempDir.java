package io.cmbench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The launcher JVM's temporary files (lz4-java extracts its native library into {@code java.io.tmpdir}, one
 * {@code liblz4-java-*.so} per JVM, never removed) go to a private directory that is deleted at exit, Ctrl-C included.
 */
final class JvmTempDir {
    private JvmTempDir() {}

    /** Points {@code java.io.tmpdir} at a fresh directory (before anything created a temporary file) and removes it at exit. */
    static void install() {
        try {
            Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "cmbench-jvm-");
            System.setProperty("java.io.tmpdir", dir.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> RunCleanup.deleteTree(dir), "cmbench-tmp-cleanup"));
        } catch (IOException | RuntimeException e) {
            // no private directory: temporary files stay where the JVM puts them
        }
    }
}
