package io.cmbench.jobs;

import io.cmbench.model.Calibrations;
import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.scenario.Scenario;
import io.cmbench.model.scenario.ScenarioFiles;
import io.cmbench.model.scenario.ScenarioPolicies;
import io.cmbench.model.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.util.ParameterTool;

/** Command-line options shared by the two jobs' {@code main} (cluster entry points). */
final class JobArgs {
    private JobArgs() {}

    /** What ParameterTool stores for an option given without a value. */
    private static final String NO_VALUE = "__NO_VALUE_KEY";

    static String required(ParameterTool p, String key) {
        String v = p.get(key);
        if (v == null || v.isBlank() || NO_VALUE.equals(v)) {
            throw new IllegalArgumentException("missing required option --" + key);
        }
        return v;
    }

    /** {@code --flag} alone or {@code --flag true} = true; absent or {@code --flag false} = false. */
    static boolean flag(ParameterTool p, String key) {
        if (!p.has(key)) {
            return false;
        }
        String v = p.get(key);
        if (v == null || NO_VALUE.equals(v) || v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("--" + key + " takes true or false, got '" + v + "'");
    }

    static long getLong(ParameterTool p, String key, long dflt) {
        String v = p.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " takes an integer, got '" + v + "'");
        }
    }

    static KafkaTopics topics(ParameterTool p) {
        KafkaTopics d = KafkaTopics.defaults();
        return new KafkaTopics(p.get("topic-requests", d.requests()), p.get("topic-completions", d.completions()),
                p.get("topic-steps", d.steps()), p.get("topic-slo-windows", d.sloWindows()),
                p.get("topic-dead-letter", d.deadLetter()));
    }

    /**
     * Kafka client properties: those of {@code --kafka-properties-file PATH} (read where {@code main} runs: keeps
     * credentials out of program arguments, which Flink shows in its UI and logs), then every
     * {@code --kafka.X value} as property X.
     */
    static Properties kafka(ParameterTool p) {
        Properties props = new Properties();
        String file = p.get("kafka-properties-file");
        if (file != null && !file.isBlank() && !NO_VALUE.equals(file)) {
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(file))) {
                props.load(in);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--kafka-properties-file: cannot read '" + file + "': " + e.getMessage(), e);
            }
        }
        for (String k : p.toMap().keySet()) {
            if (k.startsWith("kafka.")) {
                props.setProperty(k.substring("kafka.".length()), p.get(k));
            }
        }
        return props;
    }

    /**
     * A scenario file ({@code *.yaml}, or a shipped name such as {@code paper}), or
     * {@code name:profile:model:deployment[:decodeBatchCapPerNpu[:calibration]]}, comma separated (default policies);
     * default the paper's scenario. {@code calibration} (the cost model variant, {@code calibrated} or {@code physics})
     * is the variant of every scenario that does not name its own: those of a file, and entries of up to five fields
     * (so the launcher's older five-field entries keep meaning the default, calibrated).
     */
    static List<Scenario> scenarios(String spec, String calibration) {
        if (!Calibrations.VARIANTS.contains(calibration)) {
            throw new IllegalArgumentException("--calibration must be one of " + String.join(", ", Calibrations.VARIANTS)
                    + ", got '" + calibration + "'");
        }
        if (spec == null || spec.isBlank()) {
            return List.of(new Scenario(ScenarioSpec.paperDefault().withCalibration(calibration), ScenarioPolicies.defaults()));
        }
        String v = spec.trim();
        if (!v.contains(":") || v.endsWith(".yaml") || v.endsWith(".yml")) {
            try {
                return ScenarioFiles.resolve(v).stream()
                        .map(s -> new Scenario(s.spec().withCalibration(calibration), s.policies())).toList();
            } catch (SpecException e) {
                throw new IllegalArgumentException("--scenarios: " + e.getMessage(), e);
            }
        }
        List<Scenario> out = new ArrayList<>();
        for (String one : spec.split(",")) {
            String[] f = one.trim().split(":");
            if (f.length < 4 || f.length > 6) {
                throw new IllegalArgumentException("--scenarios entry '" + one
                        + "' must be name:profile:model:deployment[:decodeBatchCapPerNpu[:calibration]]");
            }
            int cap = 0;
            if (f.length >= 5) {
                try {
                    cap = Integer.parseInt(f[4]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--scenarios entry '" + one + "': cap '" + f[4] + "' is not an integer");
                }
            }
            String variant = f.length == 6 ? f[5] : calibration;
            if (!Calibrations.VARIANTS.contains(variant)) {
                throw new IllegalArgumentException("--scenarios entry '" + one + "': calibration '" + variant
                        + "' is not one of " + String.join(", ", Calibrations.VARIANTS));
            }
            out.add(new Scenario(new ScenarioSpec(f[0], f[1], f[2], f[3], cap, variant), ScenarioPolicies.defaults()));
        }
        return out;
    }
}
