package io.cmbench.model.spec;

import io.cmbench.config.YamlNode;

/**
 * An LLM description (YAML under {@code cmbench/models/}). Parameter counts are derived from the dims;
 * the published totals are only a load-time consistency check.
 */
public record ModelSpec(
        String name,
        String description,
        int layers,
        int denseLayers,
        int hidden,
        int denseFfnInter,
        int vocab,
        int routedExperts,
        int sharedExperts,
        int topK,
        int expertInter,
        int heads,
        int qLoraRank,
        int kvLoraRank,
        int qkNopeDim,
        int qkRopeDim,
        int vHeadDim,
        int mtpModules) {

    public int moeLayers() { return layers - denseLayers; }

    /** Latent KV cache elements per token per layer (compressed KV + decoupled RoPE key). */
    public int kvElementsPerTokenPerLayer() { return kvLoraRank + qkRopeDim; }

    // ---- parameter counts (elements) ----
    public double qAParams() { return (double) hidden * qLoraRank; }
    public double kvAParams() { return (double) hidden * (kvLoraRank + qkRopeDim); }
    public double qBParams() { return (double) qLoraRank * heads * (qkNopeDim + qkRopeDim); }
    public double kvBParams() { return (double) kvLoraRank * heads * (qkNopeDim + vHeadDim); }
    /** The K half of kv_b (W_UK), absorbed into the query in decode. */
    public double wUkParams() { return (double) kvLoraRank * heads * qkNopeDim; }
    /** The V half of kv_b (W_UV), absorbed into the output in decode. */
    public double wUvParams() { return (double) kvLoraRank * heads * vHeadDim; }
    public double oParams() { return (double) heads * vHeadDim * hidden; }
    public double attentionParams() { return qAParams() + kvAParams() + qBParams() + kvBParams() + oParams(); }
    public double expertParams() { return 3.0 * hidden * expertInter; }
    public double denseFfnParams() { return 3.0 * hidden * denseFfnInter; }
    public double gateParams() { return (double) hidden * routedExperts; }
    public double vocabParams() { return (double) vocab * hidden; }
    /** MTP's projection of [embedding; hidden] back to hidden. */
    public double mtpProjParams() { return 2.0 * hidden * hidden; }

    /** Main-model parameters (embedding + layers + head), without MTP. */
    public double totalParams() {
        return 2 * vocabParams() + layers * attentionParams() + denseLayers * denseFfnParams()
                + moeLayers() * ((routedExperts + sharedExperts) * expertParams() + gateParams());
    }

    /** Parameters touched per token (embedding lookup excluded). */
    public double activeParams() {
        return vocabParams() + layers * attentionParams() + denseLayers * denseFfnParams()
                + moeLayers() * ((topK + sharedExperts) * expertParams() + gateParams());
    }

    public static ModelSpec fromYaml(YamlNode root) {
        root.allowOnly("name", "description", "layers", "dense_layers", "hidden", "dense_ffn_inter", "vocab", "moe", "mla", "mtp", "published");
        YamlNode moe = root.child("moe").allowOnly("routed_experts", "shared_experts", "top_k", "expert_inter", "groups", "limited_groups");
        YamlNode mla = root.child("mla").allowOnly("heads", "q_lora_rank", "kv_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim");
        YamlNode mtp = root.child("mtp").allowOnly("modules");
        int layers = root.positiveInt("layers");
        int dense = root.nonNegativeInt("dense_layers");
        if (dense >= layers) throw root.error("dense_layers", "must be < layers (" + layers + ")");
        int routed = moe.positiveInt("routed_experts");
        int topK = moe.positiveInt("top_k");
        if (topK > routed) throw moe.error("top_k", "must be <= routed_experts (" + routed + ")");
        int groups = moe.positiveInt("groups");
        if (routed % groups != 0) throw moe.error("groups", "must divide routed_experts (" + routed + ")");
        int limited = moe.positiveInt("limited_groups");
        if (limited > groups) throw moe.error("limited_groups", "must be <= groups (" + groups + ")");
        ModelSpec m = new ModelSpec(root.string("name"), root.string("description", root.string("name")), layers, dense,
                root.positiveInt("hidden"), root.positiveInt("dense_ffn_inter"), root.positiveInt("vocab"),
                routed, moe.nonNegativeInt("shared_experts"), topK, moe.positiveInt("expert_inter"),
                mla.positiveInt("heads"), mla.positiveInt("q_lora_rank"), mla.positiveInt("kv_lora_rank"),
                mla.positiveInt("qk_nope_head_dim"), mla.positiveInt("qk_rope_head_dim"), mla.positiveInt("v_head_dim"),
                mtp.nonNegativeInt("modules"));
        if (root.has("published")) {
            YamlNode pub = root.child("published").allowOnly("total_params", "active_params");
            check(pub, "total_params", m.totalParams());
            check(pub, "active_params", m.activeParams());
        }
        return m;
    }

    private static void check(YamlNode pub, String key, double derived) {
        double published = pub.atLeast(key, 1);
        if (Math.abs(derived / published - 1) > 0.02) {
            throw pub.error(key, String.format("the dims give %.4g parameters, %.1f %% away from the published %.4g",
                    derived, 100 * (derived / published - 1), published));
        }
    }
}
