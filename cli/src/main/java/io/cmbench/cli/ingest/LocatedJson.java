package io.cmbench.cli.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON (or YAML) document as a tree whose every value knows the line it starts on, so that a bad field or array
 * element is reported as {@code FILE:LINE}. Python's {@code json.dump} writes {@code Infinity} and {@code NaN}, which
 * are accepted as numbers. Keys named in {@code skip} (generated texts, server info) are not kept.
 */
final class LocatedJson {
    private LocatedJson() {}

    enum Kind { OBJECT, ARRAY, NUMBER, STRING, BOOLEAN, NULL }

    /** One value; {@code text} holds a scalar's text as written, {@code fields}/{@code items} a container's content. */
    record Value(Kind kind, int line, String text, Map<String, Value> fields, List<Value> items) {
        Value field(String name) {
            return fields.get(name);
        }

        /** The value as the error messages quote it: a scalar's text, or what kind of container it is. */
        String quoted() {
            return switch (kind) {
                case OBJECT -> "{...}";
                case ARRAY -> "[...]";
                case STRING -> "\"" + text + "\"";
                default -> text;
            };
        }
    }

    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final JsonFactory YAML = new YAMLFactory();

    /** Every top-level value of a JSON file, in order (one for a JSON document, one per line of JSON lines). */
    static List<Value> readJson(Path file, Set<String> skip) throws IOException {
        return readAll(JSON, file, skip);
    }

    /** The document of a YAML file. */
    static List<Value> readYaml(Path file, Set<String> skip) throws IOException {
        return readAll(YAML, file, skip);
    }

    private static List<Value> readAll(JsonFactory factory, Path file, Set<String> skip) throws IOException {
        List<Value> out = new ArrayList<>();
        try (JsonParser p = factory.createParser(file.toFile())) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                out.add(value(p, t, skip));
            }
        } catch (JsonProcessingException e) {
            long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            int nl = m.indexOf('\n');
            throw new BadLineException(file, Math.max(1, line), "(file)", "not "
                    + (factory == YAML ? "YAML" : "JSON") + ": " + (nl < 0 ? m : m.substring(0, nl)));
        }
        return out;
    }

    private static Value value(JsonParser p, JsonToken t, Set<String> skip) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Value> fields = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if (skip.contains(name)) {
                        p.skipChildren();
                    } else {
                        fields.put(name, value(p, v, skip));
                    }
                }
                return new Value(Kind.OBJECT, line, null, Collections.unmodifiableMap(fields), List.of());
            }
            case START_ARRAY -> {
                List<Value> items = new ArrayList<>();
                JsonToken v;
                while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(value(p, v, skip));
                }
                return new Value(Kind.ARRAY, line, null, Map.of(), Collections.unmodifiableList(items));
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new Value(Kind.NUMBER, line, p.getText(), Map.of(), List.of());
            }
            case VALUE_STRING -> {
                return new Value(Kind.STRING, line, p.getText(), Map.of(), List.of());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new Value(Kind.BOOLEAN, line, p.getText(), Map.of(), List.of());
            }
            default -> {
                return new Value(Kind.NULL, line, "null", Map.of(), List.of());
            }
        }
    }
}
