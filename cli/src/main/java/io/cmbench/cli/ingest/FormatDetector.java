package io.cmbench.cli.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Tells a result file's format from its content when that is unambiguous: the top-level keys of its first JSON value
 * (cmbench's {@code request_id}/{@code arrival_ms}, GuideLLM's {@code benchmarks}, keys only vLLM or only SGLang writes
 * beside the per-request arrays both write), a CSV header naming cmbench's columns, or a YAML report's
 * {@code benchmarks:}. Otherwise it refuses, saying what it saw.
 */
public final class FormatDetector {
    private FormatDetector() {}

    /**
     * Keys vLLM's serving benchmark writes and SGLang's bench_serving does not ({@code start_times} is not one: an
     * SGLang that records send times would write it too).
     */
    static final Set<String> VLLM_KEYS = Set.of("burstiness", "endpoint_type", "request_goodput");
    /** Keys SGLang's bench_serving writes and vLLM's does not. */
    static final Set<String> SGLANG_KEYS = Set.of("total_output_tokens_retokenized", "accept_length");

    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** The format of {@code file}; an {@link IllegalArgumentException} naming what was seen when it cannot tell. */
    public static IngestFormat detect(Path file) throws IOException {
        String firstLine = firstNonBlankLine(file);
        if (firstLine == null) {
            throw refuse(file, "it is empty");
        }
        if (!firstLine.strip().startsWith("{")) {
            String header = firstLine.toLowerCase(java.util.Locale.ROOT);
            if (header.contains("request_id") && header.contains("arrival_ms")) {
                return IngestFormat.CMBENCH;
            }
            if (yamlReport(file)) {
                return IngestFormat.GUIDELLM;
            }
            throw refuse(file, "its first line is neither JSON nor a header with cmbench's columns: '" + shorten(firstLine) + "'");
        }
        Set<String> keys = topLevelKeys(file);
        if (keys.contains("request_id") || keys.contains("arrival_ms")) {
            return IngestFormat.CMBENCH;
        }
        if (keys.contains("benchmarks")) {
            return IngestFormat.GUIDELLM;
        }
        boolean vllm = keys.stream().anyMatch(VLLM_KEYS::contains);
        boolean sglang = keys.stream().anyMatch(SGLANG_KEYS::contains);
        if (vllm && !sglang) {
            return IngestFormat.VLLM;
        }
        if (sglang && !vllm) {
            return IngestFormat.SGLANG;
        }
        if (vllm) {
            throw refuse(file, "its keys are vLLM's (" + String.join(", ", intersect(keys, VLLM_KEYS)) + ") and SGLang's ("
                    + String.join(", ", intersect(keys, SGLANG_KEYS)) + ")");
        }
        if (keys.contains("ttfts")) {
            throw refuse(file, "it has the per-request arrays vLLM and SGLang both write (ttfts, itls, ...) but none of the"
                    + " keys that tell them apart");
        }
        List<String> seen = new ArrayList<>(keys);
        throw refuse(file, seen.isEmpty() ? "its first JSON value has no keys"
                : "its first JSON value has the keys " + String.join(", ", seen.subList(0, Math.min(8, seen.size())))
                        + (seen.size() > 8 ? ", ..." : ""));
    }

    private static IllegalArgumentException refuse(Path file, String seen) {
        return new IllegalArgumentException("--format: cannot tell the format of " + file + ": " + seen + "; give --format "
                + IngestFormat.VALUES + ", got none");
    }

    /** The keys of the first top-level object, as far as it parses (a broken line still shows what it was meant to be). */
    private static Set<String> topLevelKeys(Path file) throws IOException {
        Set<String> keys = new LinkedHashSet<>();
        try (JsonParser p = JSON.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return keys;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                keys.add(p.currentName());
                p.nextToken();
                p.skipChildren();
            }
        } catch (JsonProcessingException e) {
            // keep what was seen before the error; the reader reports the error with its line
        }
        return keys;
    }

    private static boolean yamlReport(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("benchmarks:")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String firstNonBlankLine(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    return line;
                }
            }
        }
        return null;
    }

    private static List<String> intersect(Set<String> a, Set<String> b) {
        return a.stream().filter(b::contains).toList();
    }

    private static String shorten(String s) {
        String t = s.strip();
        return t.length() <= 60 ? t : t.substring(0, 57) + "...";
    }
}
