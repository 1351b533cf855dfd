package io.cmbench.cli.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmbench.schemas.RequestRules;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * cmbench's own format (docs/INGEST.md): one request per CSV row (a header row names the columns, no quoting) or per
 * JSON line, with {@code request_id, arrival_ms, first_token_ms, last_token_ms, prompt_tokens, output_tokens}; times in
 * milliseconds (decimals allowed) on any common clock. Extra columns are ignored. A file whose first non-blank
 * character opens a JSON object is read as JSON lines, any other as CSV.
 */
public final class CmbenchTimingsReader {

    public static final List<String> FIELDS = List.of("request_id", "arrival_ms", "first_token_ms", "last_token_ms",
            "prompt_tokens", "output_tokens");

    /**
     * The latest time a line may give: 2^53 us (an epoch-millisecond clock fits, ~285 years), so that rebasing and every
     * later sum stay exact in a long and in a double.
     */
    static final double MAX_MILLIS = RequestRules.MAX_ARRIVAL_MICROS / 1000.0;

    private CmbenchTimingsReader() {}

    static MeasuredRun read(Path file) throws IOException {
        List<MeasuredRequest> rows = jsonLines(file) ? jsonl(file) : csv(file);
        return new MeasuredRun(IngestFormat.CMBENCH, rows, 0, null, "the recorded arrival_ms");
    }

    private static boolean jsonLines(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    return line.strip().startsWith("{");
                }
            }
        }
        return false;
    }

    private static List<MeasuredRequest> csv(Path file) throws IOException {
        List<MeasuredRequest> rows = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                return rows;
            }
            Map<String, Integer> col = new HashMap<>();
            String[] names = header.split(",", -1);
            for (int i = 0; i < names.length; i++) {
                col.put(names[i].trim().toLowerCase(Locale.ROOT), i);
            }
            for (String f : FIELDS) {
                if (!col.containsKey(f)) {
                    throw new BadLineException(file, 1, f, "missing column (header has " + String.join(",", names) + ")");
                }
            }
            String line;
            long n = 1;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String[] v = line.split(",", -1);
                Map<String, String> m = new HashMap<>();
                for (String f : FIELDS) {
                    int i = col.get(f);
                    m.put(f, i < v.length ? v[i].trim() : null);
                }
                rows.add(row(file, n, m, ids));
            }
        }
        return rows;
    }

    private static List<MeasuredRequest> jsonl(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<MeasuredRequest> rows = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        long n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new BadLineException(file, n, "(line)", "not a JSON object: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new BadLineException(file, n, "(line)", "not a JSON object");
            }
            Map<String, String> m = new HashMap<>();
            for (String f : FIELDS) {
                JsonNode v = node.get(f);
                m.put(f, v == null || v.isNull() ? null : v.asText());
            }
            rows.add(row(file, n, m, ids));
        }
        return rows;
    }

    private static MeasuredRequest row(Path file, long line, Map<String, String> m, Set<String> ids) {
        String id = m.get("request_id");
        if (id == null || id.isBlank()) {
            throw new BadLineException(file, line, "request_id", "missing");
        }
        if (!ids.add(id)) {
            throw new BadLineException(file, line, "request_id", "duplicate '" + id + "'");
        }
        long arrival = micros(file, line, "arrival_ms", m.get("arrival_ms"));
        long first = micros(file, line, "first_token_ms", m.get("first_token_ms"));
        long last = micros(file, line, "last_token_ms", m.get("last_token_ms"));
        int prompt = count(file, line, "prompt_tokens", m.get("prompt_tokens"), 0);
        int output = count(file, line, "output_tokens", m.get("output_tokens"), 1);
        if (first < arrival) {
            throw new BadLineException(file, line, "first_token_ms", "before arrival_ms, got '" + m.get("first_token_ms") + "'");
        }
        if (last < first) {
            throw new BadLineException(file, line, "last_token_ms", "before first_token_ms, got '" + m.get("last_token_ms") + "'");
        }
        return new MeasuredRequest(id, arrival, first, last, prompt, output);
    }

    private static long micros(Path file, long line, String field, String v) {
        if (v == null || v.isBlank()) {
            throw new BadLineException(file, line, field, "missing");
        }
        try {
            double ms = Double.parseDouble(v);
            if (!Double.isFinite(ms) || ms < 0 || ms > MAX_MILLIS) {
                throw new BadLineException(file, line, field, "must be a time between 0 and " + (long) MAX_MILLIS
                        + " ms (2^53 us), got '" + v + "'");
            }
            return Math.round(ms * 1000.0);
        } catch (NumberFormatException e) {
            throw new BadLineException(file, line, field, "not a number, got '" + v + "'");
        }
    }

    private static int count(Path file, long line, String field, String v, int min) {
        if (v == null || v.isBlank()) {
            throw new BadLineException(file, line, field, "missing");
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new BadLineException(file, line, field, "must be >= " + min + ", got '" + v + "'");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new BadLineException(file, line, field, "not an integer, got '" + v + "'");
        }
    }
}
