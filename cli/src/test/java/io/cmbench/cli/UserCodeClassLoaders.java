package io.cmbench.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Counts the Flink user-code class loaders a JVM of the local cluster still holds after a full GC, with the JDK's
 * {@code jcmd} ({@code GC.run}, then {@code VM.classloader_stats}). Each job's classes live in one such loader;
 * one that survives its job keeps every class of the job jar in metaspace.
 */
final class UserCodeClassLoaders {
    static final String LOADER_CLASS = "org.apache.flink.util.ChildFirstClassLoader";

    private UserCodeClassLoaders() {}

    static int liveAfterFullGc(ProcessHandle jvm) {
        jcmd(jvm, "GC.run");
        return (int) jcmd(jvm, "VM.classloader_stats").lines().filter(l -> l.strip().endsWith(LOADER_CLASS)).count();
    }

    private static String jcmd(ProcessHandle jvm, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(jvm.pid()), command))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(jcmd + " " + jvm.pid() + " " + command + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + jcmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
