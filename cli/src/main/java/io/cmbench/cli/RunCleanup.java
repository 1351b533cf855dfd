package io.cmbench.cli;

import io.cmbench.cluster.kafka.EmbeddedKafkaBroker;
import io.cmbench.cluster.kafka.TopicClaim;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What a run must undo however it ends (success, failure, Ctrl-C): the topic prefix claim, the embedded broker and the
 * run's {@code tmp/} directory (broker data, Flink's spill files). On Ctrl-C a shutdown hook does it and says
 * "interrupted", so nothing is left behind and a later run on the same prefix is not refused.
 */
final class RunCleanup implements AutoCloseable {
    private final Path tmp;
    private final PrintStream err;
    private final Thread hook;
    private EmbeddedKafkaBroker broker;
    private TopicClaim claim;
    private boolean done;

    RunCleanup(Path tmp, PrintStream err) {
        this.tmp = tmp;
        this.err = err;
        this.hook = new Thread(this::interrupted, "cmbench-run-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    synchronized void broker(EmbeddedKafkaBroker b) {
        this.broker = b;
    }

    synchronized void claim(TopicClaim c) {
        this.claim = c;
    }

    private void interrupted() {
        synchronized (this) {
            if (done) {
                return;
            }
        }
        err.println("cmbench: interrupted");
        err.flush();
        synchronized (this) {
            if (broker != null) {
                claim = null; // the claim lives on the embedded broker, which is deleted: no need to wait for Kafka
            }
        }
        undo();
    }

    /** The run ended (either way): undo everything now and drop the Ctrl-C hook. */
    @Override
    public void close() {
        undo();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) undo itself
        }
    }

    private synchronized void undo() {
        if (done) {
            return;
        }
        done = true;
        if (claim != null) {
            claim.close(); // before the broker goes: the claim lives on it
        }
        if (broker != null) {
            broker.close();
        }
        deleteTree(tmp);
    }

    /** Deletes a directory tree; a second pass catches files a stopping process wrote during the first. */
    static void deleteTree(Path dir) {
        for (int pass = 0; pass < 3 && Files.exists(dir); pass++) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException racing) {
                // a file vanished or appeared while walking: the next pass sees the rest
            }
            if (Files.exists(dir)) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
