package io.cmbench.model.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cmbench.config.YamlDocuments;
import io.cmbench.config.YamlNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A deployment written as a variant of another: {@code base: NAME} plus only the fields it changes — its name,
 * description and {@code supernodes} (a fleet of the base's pools). Everything else is the base's, so a fleet cannot
 * drift from the deployment it multiplies. The variant's own fields are checked on its own text (errors name its
 * file and line); the base is a shipped, validated deployment.
 */
final class DerivedDeployment {
    private DerivedDeployment() {}

    private static final YAMLMapper YAML = new YAMLMapper();

    /** The full deployment text {@code text} stands for: itself, or its base with its own fields laid over. */
    static String resolve(String label, String text) {
        YamlNode root = YamlDocuments.parse(label, text, SpecException::new);
        if (!root.isMapping() || !root.has("base")) {
            return text;
        }
        root.allowOnly("base", "name", "description", "supernodes");
        Deployment.supernodes(root);
        String base = root.string("base");
        if (!SpecLoader.DEPLOYMENTS.contains(base)) {
            throw root.error("base", "must be a shipped deployment " + SpecLoader.DEPLOYMENTS + ", got '" + base + "'");
        }
        try {
            ObjectNode merged = (ObjectNode) YAML.readTree(SpecLoader.deploymentText(base));
            JsonNode own = YAML.readTree(text);
            own.fields().forEachRemaining(f -> {
                if (!f.getKey().equals("base")) {
                    merged.set(f.getKey(), f.getValue());
                }
            });
            return YAML.writeValueAsString(merged);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot merge " + label + " onto " + base + ": " + e.getMessage(), e);
        }
    }
}
