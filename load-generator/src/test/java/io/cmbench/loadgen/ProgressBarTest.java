package io.cmbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void aKnownTotalDrawsABarAndAnUnknownOneCounts() {
        StringWriter sink = new StringWriter();
        try (ProgressBar known = new ProgressBar(new PrintWriter(sink), "generate", 60, "simulated s", () -> 30,
                () -> "1,234 records", false);
             ProgressBar unknown = new ProgressBar(new PrintWriter(sink), "emulate", Long.MAX_VALUE, "records", () -> 0,
                     null, false)) {
            assertThat(known.line(30)).startsWith("  generate   [###############...............] 30 / 60 simulated s  (")
                    .endsWith("  1,234 records");
            assertThat(known.line(90)).contains("[##############################] 90 / 60");
            assertThat(unknown.line(12_345)).startsWith("  emulate    12,345 records  (").doesNotContain("[");
        }
    }
}
