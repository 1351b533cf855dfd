package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code cmbench run} (embedded Kafka broker, Flink MiniCluster) in a child JVM, as a user starts it: Ctrl-C
 * (SIGINT) while the emulation runs, and a run that fails after everything started, leave no file behind in the run's
 * tmp/ or in the JVM's temporary directory (lz4-java's native library, Flink's and Kafka's files), and keep the log.
 *
 * <p>The child's {@code java.io.tmpdir} is a directory of this test: that it ends empty shows nothing was left there,
 * which comparing the machine's shared /tmp before and after could not show while other JVMs use it.
 */
@Tag("integration")
class InterruptedRunTest {
    private static final long STARTUP_SECONDS = 180;
    private static final long EXIT_SECONDS = 30;

    @TempDir
    Path tmp;

    /** A launcher JVM with this test's class path, in {@code work}, its temporary files under {@code javaTmp}. */
    private static Process launch(Path work, Path javaTmp, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) {
                cmd.add(a); // what Flink needs on Java 17, as ./cmbench passes it
            }
        }
        cmd.add("-Djava.io.tmpdir=" + javaTmp);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(work.toFile()).start();
    }

    /** Collects a stream's lines; {@code seen} counts down when a line contains {@code marker}. */
    private static List<String> drain(java.io.InputStream in, String marker, CountDownLatch seen) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    if (marker != null && line.contains(marker)) {
                        seen.countDown();
                    }
                }
            } catch (IOException closed) {
                // the process ended
            }
        }, "child-output");
        t.setDaemon(true);
        t.start();
        return lines;
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !p.equals(dir)).toList();
        }
    }

    @Test
    void ctrlCWhileTheEmulationRunsLeavesNothingBehindButTheLog() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        Process p = launch(work, javaTmp, "run", "--rate", "200", "--duration", "3600", "--parallelism", "1");
        CountDownLatch emulating = new CountDownLatch(1);
        List<String> out = drain(p.getInputStream(), "serving emulation on", emulating);
        List<String> err = drain(p.getErrorStream(), null, null);
        try {
            assertThat(emulating.await(STARTUP_SECONDS, TimeUnit.SECONDS)).as("the run reached the emulation; its output: %s %s",
                    out, err).isTrue();
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).isTrue();
            assertThat(p.waitFor(EXIT_SECONDS, TimeUnit.SECONDS)).as("it stops promptly after Ctrl-C").isTrue();
        } finally {
            p.destroyForcibly();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        assertThat(p.exitValue()).isNotZero();
        assertThat(String.join("\n", err)).contains("cmbench: interrupted").doesNotContain("\tat ");

        List<Path> runs = filesUnder(work.resolve("runs")).stream().filter(d -> d.getParent().equals(work.resolve("runs"))).toList();
        assertThat(runs).as("one run directory").hasSize(1);
        Path run = runs.get(0);
        assertThat(filesUnder(run.resolve("tmp"))).as("nothing under the run's tmp/").isEmpty();
        assertThat(run.resolve("cmbench.log")).as("the log stays").isNotEmptyFile();
        assertThat(filesUnder(javaTmp)).as("no lz4-java library or other temporary file of the JVM").isEmpty();
    }

    /**
     * In a live run the first Ctrl-C is a stop, not an abort: the generator stops, the requests in flight complete, and
     * the run ends with its summary and report, every generated request completed (the terminal's Ctrl-C reaches the
     * whole foreground process group; here the launcher alone, which is what the broker in its own session sees too).
     */
    @Test
    void ctrlCInALiveRunStopsItWithTheSummaryAndReport() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        Path out = work.resolve("live");
        Process p = launch(work, javaTmp, "run", "--live", "--speed", "2", "--rate", "50", "--window", "2",
                "--parallelism", "1", "--out", out.toString());
        CountDownLatch windowShown = new CountDownLatch(1);
        List<String> stdout = drain(p.getInputStream(), "cloudmatrix384 ", windowShown);
        List<String> err = drain(p.getErrorStream(), null, null);
        try {
            assertThat(windowShown.await(STARTUP_SECONDS, TimeUnit.SECONDS)).as("a live window row; output: %s %s",
                    stdout, err).isTrue();
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).isTrue();
            assertThat(p.waitFor(STARTUP_SECONDS, TimeUnit.SECONDS)).as("it ends after the drain").isTrue();
        } finally {
            p.destroyForcibly();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        assertThat(p.exitValue()).as(String.join("\n", err)).isZero();
        assertThat(String.join("\n", err)).contains("cmbench: stopping").doesNotContain("\tat ");
        assertThat(String.join("\n", stdout)).contains("(stopped by Ctrl-C)").contains("report:");
        long requests = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("summary.json").toFile())
                .path("requests").asLong();
        assertThat(requests).isPositive();
        assertThat(Files.readAllLines(out.resolve("completions.jsonl"))).hasSize((int) requests);
        assertThat(out.resolve("report.html")).isNotEmptyFile();
        assertThat(filesUnder(out.resolve("tmp"))).as("nothing under the run's tmp/").isEmpty();
        assertThat(filesUnder(javaTmp)).as("no temporary file of the JVM").isEmpty();
    }

    @Test
    void aRunThatFailsAfterItStartedLeavesNothingBehindButTheLog() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path javaTmp = Files.createDirectories(tmp.resolve("java-tmp"));
        Path out = work.resolve("failing");
        // the pipeline runs to its end, then writing the results fails: completions.jsonl cannot be a file
        Files.createDirectories(out.resolve("completions.jsonl"));
        Process p = launch(work, javaTmp, "run", "--rate", "20", "--duration", "2", "--window", "1", "--parallelism", "1",
                "--out", out.toString());
        List<String> err = drain(p.getErrorStream(), null, null);
        drain(p.getInputStream(), null, null);
        try {
            assertThat(p.waitFor(STARTUP_SECONDS, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        assertThat(p.exitValue()).as(String.join("\n", err)).isEqualTo(1);
        assertThat(err).as("one line, then where the log is").hasSize(2);
        assertThat(err.get(0)).startsWith("cmbench: ").contains("completions.jsonl");
        assertThat(err.get(1)).isEqualTo("(details in the log: " + out.resolve("cmbench.log") + ")");
        assertThat(filesUnder(out.resolve("tmp"))).as("nothing under the run's tmp/").isEmpty();
        assertThat(out.resolve("cmbench.log")).isNotEmptyFile();
        assertThat(out.resolve(".cmbench.lock")).doesNotExist();
        assertThat(filesUnder(javaTmp)).as("no lz4-java library or other temporary file of the JVM").isEmpty();
    }
}
