package io.cmbench.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads one YAML document into a {@link YamlNode} tree with Jackson's streaming YAML parser, keeping the line of every
 * node. Jackson's own tree model drops locations, and its data binding names a field but not in our words; reading the
 * tokens ourselves gives both, and refuses what a map would silently resolve (a duplicate key: the last one would win).
 */
public final class YamlDocuments {
    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    private YamlDocuments() {}

    /**
     * Parses {@code text}; {@code file} names it in error messages. An empty document, a second document, a duplicate
     * key and YAML syntax errors are refused through {@code errors}, with their line.
     */
    public static YamlNode parse(String file, String text, YamlNode.Errors errors) {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) throw errors.error(file, 0, "", "the document is empty");
            YamlNode root = read(p, file, "", errors);
            if (p.nextToken() != null) {
                throw errors.error(file, line(p.currentTokenLocation()), "", "more than one YAML document");
            }
            return root;
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
                String context = m.getContext() == null ? "" : " (" + m.getContext() + ")";
                throw errors.error(file, m.getProblemMark().getLine() + 1, "", "invalid YAML: " + m.getProblem() + context);
            }
            throw errors.error(file, line(e.getLocation()), "", "invalid YAML: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw errors.error(file, 0, "", "cannot read: " + e.getMessage());
        }
    }

    private static YamlNode read(JsonParser p, String file, String path, YamlNode.Errors errors) throws IOException {
        int line = line(p.currentTokenLocation());
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, YamlNode> entries = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    String childPath = path.isEmpty() ? key : path + "." + key;
                    int keyLine = line(p.currentTokenLocation());
                    p.nextToken();
                    YamlNode child = read(p, file, childPath, errors);
                    if (entries.put(key, child) != null) throw errors.error(file, keyLine, childPath, "duplicate field");
                }
                return YamlNode.mapping(file, path, line, errors, Collections.unmodifiableMap(entries));
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p, file, path + "[" + items.size() + "]", errors));
                }
                return YamlNode.list(file, path, line, errors, List.copyOf(items));
            }
            case VALUE_NULL:
                return YamlNode.nothing(file, path, line, errors);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return YamlNode.scalar(file, path, line, errors, t == JsonToken.VALUE_TRUE, p.getText());
            case VALUE_NUMBER_INT: {
                BigInteger big = p.getBigIntegerValue();
                Object v = big.bitLength() < 64 ? (Object) big.longValueExact() : big;
                return YamlNode.scalar(file, path, line, errors, v, p.getText());
            }
            case VALUE_NUMBER_FLOAT:
                return YamlNode.scalar(file, path, line, errors, p.getDoubleValue(), p.getText());
            case VALUE_STRING:
                return YamlNode.scalar(file, path, line, errors, p.getText(), p.getText());
            default:
                throw errors.error(file, line, path, "unsupported YAML (" + t + ")");
        }
    }

    private static int line(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 0 ? 0 : loc.getLineNr();
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
