package io.cmbench.cli;

import io.cmbench.loadgen.WorkloadArgument;
import io.cmbench.loadgen.WorkloadSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** The YAML text of a {@code --workload} value: the file's, or a built-in's from the class path. */
final class WorkloadYaml {
    private WorkloadYaml() {}

    static String text(WorkloadArgument w) {
        try {
            if (w.file() != null) return Files.readString(w.file());
            try (InputStream in = WorkloadSpec.class.getResourceAsStream("/workloads/" + w.builtin() + ".yaml")) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
