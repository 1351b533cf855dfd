package io.cmbench.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class YamlDocumentsTest {
    static final class Refused extends RuntimeException {
        Refused(String file, int line, String field, String reason) {
            super(file + ":" + line + ": " + field + ": " + reason);
        }
    }

    private static YamlNode parse(String text) {
        return YamlDocuments.parse("f.yaml", text, Refused::new);
    }

    @Test
    void everyNodeKnowsItsLineAndPath() {
        YamlNode root = parse("""
                name: x
                decode:
                  batch: 96
                  rates: [1.5, 2]
                rows:
                  - id: a
                  - id: b
                """);
        assertThat(root.child("decode").line()).isEqualTo(3);
        assertThat(root.list("rows").get(1).path()).isEqualTo("rows[1]");
        assertThat(root.list("rows").get(1).line()).isEqualTo(7);
        assertThat(root.child("decode").integer("batch")).isEqualTo(96);
        assertThat(root.child("decode").mapping(Set.of("batch", "rates")).get("rates").list().get(0).number()).isEqualTo(1.5);
    }

    @Test
    void scalarsResolveAsTheCoreSchemaSays() {
        YamlNode root = parse("""
                i: 1_000
                big: 123456789012345678901234567890
                f: 2.5
                e: 1e3
                t: true
                q: "42"
                n: ~
                """);
        assertThat(root.scalar("i")).isEqualTo(1000L);
        assertThat(root.number("f")).isEqualTo(2.5);
        assertThat(root.number("e")).isEqualTo(1000.0); // YAML 1.1 floats need a dot: read as text, parsed here
        assertThat(root.bool("t")).isTrue();
        assertThat(root.scalar("q")).isEqualTo("42");
        assertThat(root.has("n")).isFalse();
        assertThatThrownBy(() -> root.integer("big")).hasMessage("f.yaml:2: big: out of range");
        assertThatThrownBy(() -> root.integer("q")).hasMessage("f.yaml:6: q: must be an integer, got '42'");
    }

    @Test
    void refusesWhatAMapWouldHide() {
        assertThatThrownBy(() -> parse("a: 1\nb: 2\na: 3\n")).hasMessage("f.yaml:3: a: duplicate field");
        assertThatThrownBy(() -> parse("")).hasMessage("f.yaml:0: : the document is empty");
        assertThatThrownBy(() -> parse("a: 1\n---\nb: 2\n")).hasMessageStartingWith("f.yaml:").hasMessageEndingWith("more than one YAML document");
        assertThatThrownBy(() -> parse("a: [1, 2\nb: 3\n")).hasMessage("f.yaml:2: : invalid YAML: expected ',' or ']', but got : (while parsing a flow sequence)");
    }

    @Test
    void errorsNameTheFieldsLine() {
        YamlNode root = parse("""
                decode:
                  batch: 96
                  bacth: 3
                """);
        assertThatThrownBy(() -> root.child("decode").allowOnly("batch"))
                .hasMessage("f.yaml:3: decode.bacth: unknown field (allowed: batch)");
        assertThatThrownBy(() -> root.child("decode").number("rate"))
                .hasMessage("f.yaml:2: decode.rate: missing field");
        assertThatThrownBy(() -> root.child("decode").mapping(Set.of("batch")))
                .hasMessage("f.yaml:3: decode.bacth: unknown field (expected one of [batch])");
        assertThatThrownBy(() -> root.child("decode").convert("batch", v -> { throw new IllegalArgumentException("no unit"); }))
                .hasMessage("f.yaml:2: decode.batch: no unit");
    }
}
