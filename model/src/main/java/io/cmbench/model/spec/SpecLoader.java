package io.cmbench.model.spec;

import io.cmbench.config.YamlDocuments;
import io.cmbench.config.YamlNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;


/**
 * Loads and validates the YAML descriptions. A name such as {@code cloudmatrix384} is looked up on the
 * classpath under {@code cmbench/profiles/}, {@code cmbench/models/} or {@code cmbench/deployments/};
 * a value ending in {@code .yaml}/{@code .yml} or containing a path separator is read from the file system.
 * Results are cached per name (descriptions are immutable).
 */
public final class SpecLoader {
    private SpecLoader() {}

    public static final List<String> PROFILES = List.of("cloudmatrix384", "h800", "h100");
    public static final List<String> MODELS = List.of("deepseek-r1");
    public static final List<String> DEPLOYMENTS = List.of("cloudmatrix-infer", "deepseek-h800", "cann-recipes-a3", "cloudmatrix-infer-fleet");

    private static final Map<String, Object> CACHE = new ConcurrentHashMap<>();

    public static HardwareProfile profile(String name) { return load("profiles", name, HardwareProfile::fromYaml); }

    public static ModelSpec model(String name) { return load("models", name, ModelSpec::fromYaml); }

    public static Deployment deployment(String name) { return load("deployments", name, Deployment::fromYaml); }

    @SuppressWarnings("unchecked")
    private static <T> T load(String kind, String name, Function<YamlNode, T> parser) {
        if (name == null || name.isBlank()) throw new SpecException(kind, "", "no " + kind + " name given");
        String key = kind + "/" + name;
        Object cached = CACHE.get(key);
        if (cached != null) return (T) cached;
        T t = parse(kind, name, parser);
        CACHE.putIfAbsent(key, t);
        return t;
    }

    private static <T> T parse(String kind, String name, Function<YamlNode, T> parser) {
        String label = label(kind, name);
        String text = text(kind, name);
        return parseText(label, kind.equals("deployments") ? DerivedDeployment.resolve(label, text) : text, parser);
    }

    private static String label(String kind, String name) {
        boolean isFile = name.endsWith(".yaml") || name.endsWith(".yml") || name.contains("/") || name.contains("\\");
        return isFile ? name : kind + "/" + name + ".yaml";
    }

    /**
     * The YAML text of a deployment: a shipped one's name or a file's path; a deployment written as a variant of
     * another ({@code base:}, see {@link DerivedDeployment}) comes back as the full text it stands for.
     */
    public static String deploymentText(String name) {
        return DerivedDeployment.resolve(label("deployments", name), text("deployments", name));
    }

    private static String text(String kind, String name) {
        boolean isFile = name.endsWith(".yaml") || name.endsWith(".yml") || name.contains("/") || name.contains("\\");
        try {
            if (isFile) {
                return Files.readString(Path.of(name));
            }
            String label = kind + "/" + name + ".yaml";
            try (InputStream in = SpecLoader.class.getClassLoader().getResourceAsStream("cmbench/" + label)) {
                if (in == null) throw new SpecException(label, "", "no such " + kind.substring(0, kind.length() - 1) + " '" + name + "' on the classpath");
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new SpecException(name, "", "cannot read: " + e.getMessage());
        }
    }

    /** Parses YAML text; {@code label} names the file in error messages. */
    public static <T> T parseText(String label, String text, Function<YamlNode, T> parser) {
        YamlNode root = YamlDocuments.parse(label, text, SpecException::new);
        if (!root.isMapping()) throw new SpecException(label, root.line(), "", "the document must be a mapping");
        return parser.apply(root);
    }
}
