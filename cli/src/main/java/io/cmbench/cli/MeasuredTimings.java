package io.cmbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmbench.schemas.Completion;
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
 * Per-request timings measured on a real serving system, as completions for the SLO analytics.
 *
 * <p>Format (docs/INGEST.md): one request per CSV row (a header row names the columns, no quoting) or per
 * JSON line, with {@code request_id, arrival_ms, first_token_ms, last_token_ms, prompt_tokens,
 * output_tokens}; times in milliseconds (decimals allowed) on any common clock. They are rebased so the
 * earliest arrival is time 0, as in emulated runs. Extra columns are ignored.
 */
final class MeasuredTimings {

    enum Format { CSV, JSONL }

    static final List<String> FIELDS = List.of("request_id", "arrival_ms", "first_token_ms", "last_token_ms",
            "prompt_tokens", "output_tokens");

    /** A line of the file that cannot be used: names the file, line, field and value. */
    static final class BadLineException extends IllegalArgumentException {
        BadLineException(Path file, long line, String field, String why) {
            super(file + ":" + line + ": " + field + ": " + why);
        }
    }

    /**
     * The latest time a line may give: 2^53 us (an epoch-millisecond clock fits, ~285 years), so that rebasing and every
     * later sum stay exact in a long and in a double.
     */
    static final double MAX_MILLIS = io.cmbench.schemas.RequestRules.MAX_ARRIVAL_MICROS / 1000.0;

    private MeasuredTimings() {}

    static List<Completion> read(Path file, Format format, String scenario, int decodeNpus, int prefillNpus)
            throws IOException {
        List<Row> rows = format == Format.CSV ? csv(file) : jsonl(file);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + ": no timings in the file");
        }
        long origin = rows.stream().mapToLong(r -> r.arrivalMicros).min().orElse(0);
        List<Completion> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(Completion.newBuilder().setScenario(scenario).setRequestId(r.id)
                    .setArrivalTimeMicros(r.arrivalMicros - origin).setPromptTokens(r.promptTokens)
                    .setOutputTokens(r.outputTokens).setPrefillStartMicros(r.arrivalMicros - origin)
                    .setPrefillEndMicros(r.firstMicros - origin).setKvTransferEndMicros(r.firstMicros - origin)
                    .setFirstTokenMicros(r.firstMicros - origin).setLastTokenMicros(r.lastMicros - origin)
                    .setPrefillNpus(prefillNpus).setDecodeNpus(decodeNpus).setSource("measured").build());
        }
        return out;
    }

    private record Row(String id, long arrivalMicros, long firstMicros, long lastMicros, int promptTokens, int outputTokens) {}

    private static List<Row> csv(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
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

    private static List<Row> jsonl(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Row> rows = new ArrayList<>();
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

    private static Row row(Path file, long line, Map<String, String> m, Set<String> ids) {
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
        return new Row(id, arrival, first, last, prompt, output);
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
