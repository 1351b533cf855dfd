package io.cmbench.model.validation;


import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.cmbench.model.spec.SpecException;
import io.cmbench.model.spec.SpecLoader;
import io.cmbench.config.YamlNode;

/** Reads a measurements file ({@code cmbench/measurements/<profile>.yaml}); a bad row is refused naming its field. */
public final class Measurements {
    private Measurements() {}

    public static String resourcePath(String profile) {
        return "cmbench/measurements/" + profile + ".yaml";
    }

    /** The shipped measurements of a profile (empty when it has none). */
    public static List<Measurement> forProfile(String profile) {
        String path = resourcePath(profile);
        try (InputStream in = Measurements.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) return List.of();
            return parse(path, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SpecException(path, "", "cannot read: " + e.getMessage());
        }
    }

    /** A measurements file on the file system. */
    public static List<Measurement> fromFile(Path file) {
        try {
            return parse(file.toString(), Files.readString(file));
        } catch (IOException e) {
            throw new SpecException(file.toString(), "", "cannot read: " + e.getMessage());
        }
    }

    public static List<Measurement> parse(String label, String text) {
        return SpecLoader.parseText(label, text, root -> {
            root.allowOnly("profile", "rows");
            String profile = root.string("profile");
            List<Measurement> out = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (YamlNode r : root.list("rows")) {
                r.allowOnly("id", "role", "source", "model", "deployment", "quantity", "conditions", "value", "value_high", "missing",
                        "tokens_per_s_per_npu");
                String id = r.string("id");
                if (!ids.add(id)) throw r.error("id", "'" + id + "' appears twice");
                String role = r.oneOf("role", Measurement.ROLES.toArray(String[]::new));
                Measurement.Quantity q = quantity(r);
                Measurement.Conditions c = conditions(r.child("conditions"), q);
                double value = r.number("value");
                double high = r.has("value_high") ? r.number("value_high") : Double.NaN;
                if (!q.relativeChange && !(value > 0)) throw r.error("value", "must be > 0, got " + value);
                if (!Double.isNaN(high) && high < value) throw r.error("value_high", "must be >= value (" + value + "), got " + high);
                out.add(new Measurement(id, role, r.string("source"), profile, r.string("model", "deepseek-r1"),
                        r.string("deployment"), q, c, value, high, r.string("missing", ""),
                        r.has("tokens_per_s_per_npu") ? r.atLeast("tokens_per_s_per_npu", 0) : Double.NaN));
            }
            return List.copyOf(out);
        });
    }

    private static Measurement.Quantity quantity(YamlNode r) {
        String s = r.string("quantity");
        for (Measurement.Quantity q : Measurement.Quantity.values()) if (q.key.equals(s)) return q;
        List<String> known = new ArrayList<>();
        for (Measurement.Quantity q : Measurement.Quantity.values()) known.add(q.key);
        throw r.error("quantity", "unknown quantity '" + s + "' (known: " + String.join(", ", known) + ")");
    }

    private static Measurement.Conditions conditions(YamlNode c, Measurement.Quantity q) {
        c.allowOnly("batch_per_npu", "kv_tokens", "prompt_tokens", "output_tokens", "mtp", "mtp_acceptance", "microbatches",
                "tokens_per_npu", "expert_balance");
        int batch = c.nonNegativeInt("batch_per_npu", 0);
        int prompt = c.nonNegativeInt("prompt_tokens", 0);
        int output = c.nonNegativeInt("output_tokens", 0);
        long kv = c.has("kv_tokens") ? c.positiveInt("kv_tokens") : prompt + output / 2;
        Boolean mtp = c.has("mtp") ? c.bool("mtp") : null;
        double acc = c.has("mtp_acceptance") ? c.probability("mtp_acceptance") : Double.NaN;
        int mb = c.has("microbatches") ? c.positiveInt("microbatches") : 0;
        if (mb != 0 && mb != 1) throw c.error("microbatches", "must be 1 (or absent: the deployment's policy), got " + mb);
        int tokensPerNpu = c.nonNegativeInt("tokens_per_npu", 0);
        if (q.isDecode()) {
            if (batch == 0) throw c.error("batch_per_npu", "missing condition (a decode row needs the batch per NPU)");
            if (kv == 0) throw c.error("kv_tokens", "missing condition (a decode row needs kv_tokens, or prompt_tokens and output_tokens)");
        } else {
            if (prompt == 0) throw c.error("prompt_tokens", "missing condition (a prefill row needs the prompt length)");
            if (tokensPerNpu == 0) throw c.error("tokens_per_npu", "missing condition (a prefill row needs the batch tokens per NPU)");
            if (tokensPerNpu < prompt) throw c.error("tokens_per_npu", "must be >= prompt_tokens (" + prompt + "), got " + tokensPerNpu);
        }
        boolean perfect = c.has("expert_balance") && c.oneOf("expert_balance", "perfect", "as-deployed").equals("perfect");
        return new Measurement.Conditions(batch, kv, prompt, output, mtp, acc, mb, tokensPerNpu, perfect);
    }
}
