package io.cmbench.model.validation;


import java.util.List;

/**
 * One published end-to-end measurement: the system and conditions it was measured under, the quantity and its
 * value. A row of {@code cmbench/measurements/<profile>.yaml}.
 *
 * @param role {@code calibration} (the fit sees it), {@code validation} (judged, never fitted) or {@code context}
 * @param valueHigh the upper end when the source gives a range (NaN otherwise)
 * @param missing what the model lacks to meet this row, when it misses it ("" when not stated)
 * @param publishedTokensPerSecondPerNpu for a decode row, the throughput the source states beside the TPOT (it may
 *        differ from batch / TPOT by the source's rounding); NaN when it states none
 */
public record Measurement(String id, String role, String source, String profile, String model, String deployment,
                          Quantity quantity, Conditions conditions, double value, double valueHigh, String missing,
                          double publishedTokensPerSecondPerNpu) {

    public static final String CALIBRATION = "calibration";
    public static final String VALIDATION = "validation";
    public static final String CONTEXT = "context";
    public static final List<String> ROLES = List.of(CALIBRATION, VALIDATION, CONTEXT);

    /** What a row measures, with its unit. Ablations are relative changes (0.058 = +5.8 %). */
    public enum Quantity {
        DECODE_TPOT_MS("decode_tpot_ms", "TPOT", "ms", false),
        DECODE_STEP_MS("decode_step_ms", "decode step", "ms", false),
        PREFILL_TOKENS_PER_S_PER_NPU("prefill_tokens_per_s_per_npu", "prefill throughput", "tok/s/NPU", false),
        DECODE_MICROBATCH_GAIN("decode_microbatch_gain", "decode throughput gain, two microbatches vs one", "", true),
        MTP_LAYER_INCREASE("mtp_layer_increase", "MoE-layer latency with MTP vs without", "", true),
        PREFILL_MICROBATCH_LAYER_CHANGE("prefill_microbatch_layer_change", "prefill MoE-layer latency, two microbatches vs one", "", true);

        public final String key;
        public final String label;
        public final String unit;
        public final boolean relativeChange;

        Quantity(String key, String label, String unit, boolean relativeChange) {
            this.key = key;
            this.label = label;
            this.unit = unit;
            this.relativeChange = relativeChange;
        }

        public boolean isDecode() {
            return this == DECODE_TPOT_MS || this == DECODE_STEP_MS || this == DECODE_MICROBATCH_GAIN || this == MTP_LAYER_INCREASE;
        }
    }

    /**
     * Operating conditions. Zero / null where a row does not state them (the deployment's own setting then applies).
     *
     * @param kvTokens KV length per sequence (for decode: mean over a request's life)
     * @param mtp null: the deployment's
     * @param mtpAcceptance NaN: the deployment's
     * @param microbatches 0: the deployment's policy
     * @param perfectBalance every expert-parallel rank gets exactly its mean share (else the deployment's routing)
     */
    public record Conditions(int batchPerNpu, long kvTokens, int promptTokens, int outputTokens, Boolean mtp,
                             double mtpAcceptance, int microbatches, int tokensPerNpu, boolean perfectBalance) {

        /** A short human-readable rendering for tables. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            if (batchPerNpu > 0) sb.append(String.format(java.util.Locale.ROOT, "batch %d/NPU", batchPerNpu));
            if (promptTokens > 0 && outputTokens > 0) {
                sep(sb).append(String.format(java.util.Locale.ROOT, "%,d in / %,d out", promptTokens, outputTokens));
            } else if (promptTokens > 0) {
                sep(sb).append(String.format(java.util.Locale.ROOT, "%,d-token prompts", promptTokens));
            }
            if (kvTokens > 0 && batchPerNpu > 0) sep(sb).append(String.format(java.util.Locale.ROOT, "KV %,d", kvTokens));
            if (tokensPerNpu > 0) sep(sb).append(String.format(java.util.Locale.ROOT, "%,d tokens/NPU", tokensPerNpu));
            if (mtp != null) sep(sb).append(mtp ? "MTP on" : "MTP off");
            if (!Double.isNaN(mtpAcceptance)) sep(sb).append(String.format(java.util.Locale.ROOT, "MTP %.2f", mtpAcceptance));
            if (microbatches > 0) sep(sb).append(microbatches == 1 ? "one microbatch" : microbatches + " microbatches");
            if (perfectBalance) sep(sb).append("perfect expert balance");
            return sb.toString();
        }

        private static StringBuilder sep(StringBuilder sb) {
            return sb.isEmpty() ? sb : sb.append(", ");
        }
    }
}
