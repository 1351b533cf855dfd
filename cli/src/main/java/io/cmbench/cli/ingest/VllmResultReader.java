package io.cmbench.cli.ingest;

import java.io.IOException;
import java.nio.file.Path;

/** vLLM's serving-benchmark result ({@code vllm bench serve --save-result --save-detailed}): see {@link PerRequestArrays}. */
final class VllmResultReader {
    private VllmResultReader() {}

    static final String DETAILS_HINT = "vllm bench serve writes the per-request arrays with --save-result --save-detailed";

    static MeasuredRun read(Path file, Integer result) throws IOException {
        return PerRequestArrays.read(file, result, IngestFormat.VLLM, DETAILS_HINT);
    }
}
