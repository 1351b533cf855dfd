package io.cmbench.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Copies the checked-in fixture run directory (src/test/resources/fixture-run) somewhere writable. */
final class Fixtures {
    static final List<String> FILES = List.of("summary.json", "slo-windows.jsonl", "completions.jsonl.gz", "run-info.json");

    private Fixtures() {}

    /** The measured run (src/test/resources/fixture-measured: a cmbench ingest of the cli module's vLLM fixture). */
    static Path copyMeasuredRun(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String f : List.of("summary.json", "slo-windows.jsonl")) {
                try (InputStream in = Fixtures.class.getResourceAsStream("/fixture-measured/" + f)) {
                    if (in == null) {
                        throw new IllegalStateException("fixture file missing from the test classpath: " + f);
                    }
                    Files.copy(in, dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path copyRun(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String f : FILES) {
                try (InputStream in = Fixtures.class.getResourceAsStream("/fixture-run/" + f)) {
                    if (in == null) {
                        throw new IllegalStateException("fixture file missing from the test classpath: " + f);
                    }
                    Files.copy(in, dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
