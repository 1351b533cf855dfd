package io.cmbench.cli.ingest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * SGLang's bench_serving result (a JSON line per run, with {@code --output-details} the per-request arrays of
 * {@link PerRequestArrays}); it records no send times, so the arrivals come from {@link ArrivalSchedule}.
 */
final class SglangResultReader {
    private SglangResultReader() {}

    static final String DETAILS_HINT = "python -m sglang.bench_serving writes the per-request arrays with --output-details";

    static MeasuredRun read(Path file, Integer result) throws IOException {
        return PerRequestArrays.read(file, result, IngestFormat.SGLANG, DETAILS_HINT);
    }
}
