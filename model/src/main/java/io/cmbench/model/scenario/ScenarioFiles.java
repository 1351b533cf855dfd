package io.cmbench.model.scenario;

import io.cmbench.model.CostModels;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.spec.SpecException;
import io.cmbench.model.spec.SpecLoader;
import io.cmbench.config.YamlNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Scenario files: the what-if configurations one run compares on identical traffic.
 *
 * <pre>
 * scenarios:
 *   - name: cloudmatrix384            # unique; appears in every output record
 *     profile: cloudmatrix384         # hardware profile (name on the classpath, or a .yaml path)
 *     model: deepseek-r1              # model spec
 *     deployment: cloudmatrix-infer   # deployment
 *     decodeBatchCapPerNpu: 0         # optional; 0 = the deployment's cap
 *     prefillRouting: least-loaded    # optional; least-loaded (default) | round-robin
 *     decodeRouting: least-loaded     # optional; least-loaded (default) | round-robin
 *     contextCacheTokens: 100000000   # optional; EMS capacity in KV tokens, 0 = no cache;
 *                                     #   default from the EMS DRAM pool (ScenarioPolicies)
 *     trafficShare: 0.5               # optional; the fraction of the requests this scenario serves, (0, 1], default 1
 * </pre>
 *
 * Every entry is validated on load: unknown or missing fields, bad values, duplicate names, and profiles, models
 * and deployments that do not load or do not fit together are refused with a {@link SpecException} whose message
 * is {@code <file>: scenarios[i].<field>: <reason>}. Relative profile/model/deployment paths are resolved against
 * the scenario file's directory. Shipped files ({@code cmbench/scenarios/*.yaml}): {@link #BUILTIN}.
 */
public final class ScenarioFiles {
    private ScenarioFiles() {}

    /** Scenario files on the classpath. */
    public static final List<String> BUILTIN = List.of("paper", "cm384-vs-h800", "fleet");

    private static final String[] FIELDS = {"name", "profile", "model", "deployment", "decodeBatchCapPerNpu",
            "prefillRouting", "decodeRouting", "contextCacheTokens", "trafficShare"};

    /** The scenario specs of a file (policies dropped; see {@link #loadScenarios(Path)}). */
    public static List<ScenarioSpec> load(Path file) {
        return specs(loadScenarios(file));
    }

    /** The scenario specs of a shipped file, e.g. {@code paper}. */
    public static List<ScenarioSpec> builtin(String name) {
        return specs(builtinScenarios(name));
    }

    /** Specs and policies of a file. */
    public static List<Scenario> loadScenarios(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new SpecException(file.toString(), "", "cannot read: " + e.getMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(file.toString(), text, dir);
    }

    /** Specs and policies of a shipped file. */
    public static List<Scenario> builtinScenarios(String name) {
        String label = "scenarios/" + name + ".yaml";
        try (InputStream in = ScenarioFiles.class.getClassLoader().getResourceAsStream("cmbench/" + label)) {
            if (in == null) {
                throw new SpecException(label, "", "no such scenario file '" + name + "' on the classpath (shipped: "
                        + String.join(", ", BUILTIN) + ")");
            }
            return parse(label, new String(in.readAllBytes(), StandardCharsets.UTF_8), null);
        } catch (IOException e) {
            throw new SpecException(label, "", "cannot read: " + e.getMessage());
        }
    }

    /**
     * A value of {@code --scenarios}: a path ending in .yaml/.yml (or containing a separator) is read from the file
     * system, otherwise it names a shipped file.
     */
    public static List<Scenario> resolve(String fileOrName) {
        if (fileOrName == null || fileOrName.isBlank()) {
            throw new SpecException("scenarios", "", "no scenario file given");
        }
        String s = fileOrName.trim();
        boolean isFile = s.endsWith(".yaml") || s.endsWith(".yml") || s.contains("/") || s.contains("\\");
        return isFile ? loadScenarios(Path.of(s)) : builtinScenarios(s);
    }

    /** Parses and validates scenario YAML; {@code label} names the file in errors; {@code dir} resolves relative paths. */
    public static List<Scenario> parse(String label, String text, Path dir) {
        return SpecLoader.parseText(label, text, root -> parse(root, dir));
    }

    private static List<Scenario> parse(YamlNode root, Path dir) {
        root.allowOnly("scenarios", "description");
        List<YamlNode> entries = root.list("scenarios");
        List<Scenario> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlNode n : entries) {
            n.allowOnly(FIELDS);
            String name = n.string("name");
            if (!names.add(name)) {
                throw n.error("name", "'" + name + "' is used by an earlier scenario; names must be unique");
            }
            String profile = resolveRef(n, "profile", dir);
            String model = resolveRef(n, "model", dir);
            String deployment = resolveRef(n, "deployment", dir);
            int cap = n.nonNegativeInt("decodeBatchCapPerNpu", 0);
            ScenarioPolicies.Routing prefill = routing(n, "prefillRouting");
            ScenarioPolicies.Routing decode = routing(n, "decodeRouting");
            long cache = ScenarioPolicies.DEFAULT_CACHE;
            if (n.has("contextCacheTokens")) {
                cache = longValue(n, "contextCacheTokens");
                if (cache < 0) {
                    throw n.error("contextCacheTokens", "must be >= 0 (0 disables the cache), got " + cache);
                }
            }
            double share = n.has("trafficShare") ? n.number("trafficShare") : 1.0;
            if (!(share > 0 && share <= 1)) {
                throw n.error("trafficShare", "must be in (0, 1] (the fraction of the requests this scenario serves), got " + share);
            }
            try {
                SpecLoader.profile(profile);
            } catch (SpecException e) {
                throw n.error("profile", "cannot load '" + profile + "': " + e.getMessage());
            }
            try {
                SpecLoader.model(model);
            } catch (SpecException e) {
                throw n.error("model", "cannot load '" + model + "': " + e.getMessage());
            }
            try {
                SpecLoader.deployment(deployment);
            } catch (SpecException e) {
                throw n.error("deployment", "cannot load '" + deployment + "': " + e.getMessage());
            }
            try {
                CostModels.build(profile, model, deployment, cap);
            } catch (RuntimeException e) {
                throw n.error("deployment", "'" + deployment + "' does not run on profile '" + profile + "' with model '"
                        + model + "'" + (cap > 0 ? " at decodeBatchCapPerNpu " + cap : "") + ": " + e.getMessage());
            }
            out.add(new Scenario(new ScenarioSpec(name, profile, model, deployment, cap),
                    new ScenarioPolicies(prefill, decode, cache, share)));
        }
        return List.copyOf(out);
    }

    private static long longValue(YamlNode n, String key) {
        double d = n.number(key);
        if (d != Math.rint(d) || d > Long.MAX_VALUE) {
            throw n.error(key, "must be a whole number of tokens, got " + d);
        }
        return (long) d;
    }

    private static ScenarioPolicies.Routing routing(YamlNode n, String key) {
        if (!n.has(key)) {
            return ScenarioPolicies.Routing.LEAST_LOADED;
        }
        String v = n.string(key).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "least-loaded", "least_loaded" -> ScenarioPolicies.Routing.LEAST_LOADED;
            case "round-robin", "round_robin" -> ScenarioPolicies.Routing.ROUND_ROBIN;
            default -> throw n.error(key, "'" + n.string(key) + "' is not one of least-loaded, round-robin");
        };
    }

    private static String resolveRef(YamlNode n, String key, Path dir) {
        String v = n.string(key);
        boolean isFile = v.endsWith(".yaml") || v.endsWith(".yml") || v.contains("/") || v.contains("\\");
        if (isFile && dir != null && !Path.of(v).isAbsolute()) {
            return dir.resolve(v).normalize().toString();
        }
        return v;
    }

    private static List<ScenarioSpec> specs(List<Scenario> scenarios) {
        return scenarios.stream().map(Scenario::spec).toList();
    }
}
