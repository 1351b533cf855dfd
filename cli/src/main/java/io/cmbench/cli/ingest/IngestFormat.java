package io.cmbench.cli.ingest;

import java.util.Locale;

/** The result-file formats {@code cmbench ingest} reads (docs/INGEST.md: versions and fields read). */
public enum IngestFormat {
    /** cmbench's own columns, CSV or JSON lines. */
    CMBENCH("cmbench"),
    /** {@code vllm bench serve --save-result --save-detailed} (also benchmarks/benchmark_serving.py). */
    VLLM("vllm"),
    /** SGLang {@code python -m sglang.bench_serving --output-file F --output-details}. */
    SGLANG("sglang"),
    /** GuideLLM's benchmarks report ({@code benchmarks.json} or {@code .yaml}). */
    GUIDELLM("guidellm");

    /** The {@code --format} values, as the error messages list them. */
    public static final String VALUES = "vllm|sglang|guidellm|cmbench";

    public final String label;

    IngestFormat(String label) {
        this.label = label;
    }

    /** A {@code --format} value; csv and jsonl (the earlier values) still mean cmbench's own format. */
    public static IngestFormat parse(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "cmbench", "csv", "jsonl" -> CMBENCH;
            case "vllm" -> VLLM;
            case "sglang" -> SGLANG;
            case "guidellm" -> GUIDELLM;
            default -> throw new IllegalArgumentException("unknown value (expected " + VALUES + "), got '" + v + "'");
        };
    }

    /** Reads the file in this format; {@code result} picks one result when the file holds several (null: the only one). */
    public MeasuredRun read(java.nio.file.Path file, Integer result) throws java.io.IOException {
        if (this == CMBENCH && result != null && result != 0) {
            throw new IllegalArgumentException("--result: the file holds 1 result (0..0), got '" + result + "'");
        }
        return switch (this) {
            case CMBENCH -> CmbenchTimingsReader.read(file);
            case VLLM -> VllmResultReader.read(file, result);
            case SGLANG -> SglangResultReader.read(file, result);
            case GUIDELLM -> GuideLlmReportReader.read(file, result);
        };
    }
}
