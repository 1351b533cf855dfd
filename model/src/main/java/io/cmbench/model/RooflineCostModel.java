package io.cmbench.model;

import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.HardwareProfile;
import io.cmbench.model.spec.ModelSpec;

/**
 * The first-principles cost model: per-operator rooflines (max of compute time and HBM time, each with a
 * named efficiency factor from an operator benchmark), alpha-beta communication (latency + bytes /
 * bandwidth, alpha per EP degree from the measured dispatch/combine table), two microbatch streams
 * overlapped on their core split, MTP. See docs/MODEL.md for the equations.
 *
 * <p>This class assembles the model from its parts and answers for it: {@link DieRates} and {@link ModelBytes} (what a
 * die achieves, what the model weighs), {@link ExpertPlacement} and {@link MemoryPlan} (which experts and how much KV a
 * die holds), {@link DecodeOperators} and {@link DecodeStep} (the decode step), {@link PrefillBatch} (a prefill batch)
 * and {@link KvMovement} (KV between dies and the context cache).
 *
 * <p>Immutable and thread-safe. {@link #decodeStepMicros} allocates nothing.
 */
public final class RooflineCostModel implements ServingCostModel {

    /** Decode switches (the CLI's --no-mtp, --no-microbatch, --mtp-acceptance). */
    public record DecodeOptions(boolean mtp, double acceptance, boolean microbatch) {}

    private final HardwareProfile hw;
    private final ModelSpec m;
    private final Deployment dep;
    private final DecodeOptions opts;
    private final Calibration cal;
    private final PoolLayout layout;
    private final int q;                          // tokens per sequence per step (1 + speculative)
    private final double tokensPerStep;
    private final ModelBytes bytes;
    private final MemoryPlan memory;
    private final DecodeOperators decodeOperators;
    private final DecodeStep decodeStep;
    /**
     * The same step run as one microbatch, when the deployment's policy is adaptive: an engine overlaps two
     * microbatches only on steps where that is faster (at small batches the split reads every weight twice and
     * has little to hide). Null when the policy is "always" or microbatching is off.
     */
    private final DecodeStep singleMicrobatch;
    private final PrefillBatch prefillBatch;
    private final KvMovement kvMovement;

    /** The physics-only model. */
    public RooflineCostModel(HardwareProfile hw, ModelSpec m, Deployment dep, int batchCapOverride, DecodeOptions options) {
        this(hw, m, dep, batchCapOverride, options, Calibration.PHYSICS);
    }

    /** The physics plus a calibration layer ({@link Calibration#PHYSICS}: none). */
    public RooflineCostModel(HardwareProfile hw, ModelSpec m, Deployment dep, int batchCapOverride, DecodeOptions options,
                             Calibration calibration) {
        dep.validateAgainst(hw, m);
        this.cal = calibration;
        this.hw = hw;
        this.m = m;
        this.dep = dep;
        this.opts = options != null ? options
                : new DecodeOptions(dep.mtpEnabled(), dep.mtpAcceptance(), dep.decode().microbatches() > 1);
        if (opts.acceptance() < 0 || opts.acceptance() > 1) throw new IllegalArgumentException("MTP acceptance must be in [0, 1]");
        DieRates rates = new DieRates(hw, dep.quant());
        bytes = new ModelBytes(hw, m, dep.quant());
        int spec = opts.mtp() ? Math.max(1, dep.mtpSpeculativeTokens()) : 0;
        if (opts.mtp() && m.mtpModules() == 0) throw new IllegalArgumentException("model " + m.name() + " has no MTP module");
        q = 1 + spec;
        double tps = 1;
        for (int i = 1; i <= spec; i++) tps += Math.pow(opts.acceptance(), i);
        tokensPerStep = tps;

        ExpertPlacement experts = new ExpertPlacement(hw, m, dep);
        decodeOperators = new DecodeOperators(hw, m, dep.decode(), rates, bytes, experts, cal, q);
        kvMovement = new KvMovement(hw, dep, bytes.kvStoredBytesPerToken);
        memory = new MemoryPlan(hw, m, dep, bytes, experts, q, batchCapOverride);
        prefillBatch = new PrefillBatch(hw, m, dep, rates, bytes, experts, memory, kvMovement, cal);
        decodeStep = new DecodeStep(m, decodeOperators, rates, bytes, memory, cal, opts.microbatch() ? 2 : 1, q, tokensPerStep);
        var d = dep.decode();
        singleMicrobatch = opts.microbatch() && d.adaptiveMicrobatch()
                ? new DecodeStep(m, decodeOperators, rates, bytes, memory, cal, 1, q, tokensPerStep)
                : null;

        var p = dep.prefill();
        int budget = (int) Math.min(Integer.MAX_VALUE, (long) p.batchTokensPerNpu() * p.npusPerInstance());
        int fleet = dep.supernodes();
        layout = new PoolLayout(p.instances() * fleet, p.npusPerInstance(), budget, d.instances() * fleet, d.npusPerInstance(),
                hw.diesPerNpu(), memory.decodeBatchCapPerNpu, memory.kvCacheTokensPerDie, fleet);
    }

    /** The same hardware and model on a variant of the deployment (its own default decode switches). */
    public RooflineCostModel withDeployment(Deployment d) {
        return new RooflineCostModel(hw, m, d, 0, null, cal);
    }

    /** The same model with other decode switches. */
    public RooflineCostModel withDecodeOptions(DecodeOptions o) {
        return new RooflineCostModel(hw, m, dep, layout.decodeBatchCapPerNpu(), o, cal);
    }

    /** The same model with another calibration layer. */
    public RooflineCostModel withCalibration(Calibration c) {
        return new RooflineCostModel(hw, m, dep, layout.decodeBatchCapPerNpu(), opts, c);
    }

    /** The same model with the decode batch cap (and so the dispatch/combine buffers) sized for {@code batchCapPerNpu}. */
    public RooflineCostModel withBatchCap(int batchCapPerNpu) {
        return new RooflineCostModel(hw, m, dep, batchCapPerNpu, opts, cal);
    }

    // =====================================================================================
    // alpha-beta of expert-parallel dispatch/combine
    // =====================================================================================

    public double dispatchAlphaMicros() { return decodeOperators.alphaD * 1e6; }
    public double combineAlphaMicros() { return decodeOperators.alphaC * 1e6; }
    public double epBetaBytesPerSecond() { return decodeOperators.betaEp; }

    // =====================================================================================
    // decode
    // =====================================================================================

    @Override
    public long decodeStepMicros(int[] sequencesPerDie, long[] kvTokensPerDie) {
        long step = Math.round(decodeStep.seconds(sequencesPerDie, kvTokensPerDie, null) * 1e6);
        return singleMicrobatch == null ? step
                : Math.min(step, Math.round(singleMicrobatch.seconds(sequencesPerDie, kvTokensPerDie, null) * 1e6));
    }

    /** Whether this step runs as two overlapped microbatches (false: one), under the deployment's policy. */
    public boolean decodeUsesTwoMicrobatches(int[] sequencesPerDie, long[] kvTokensPerDie) {
        if (!opts.microbatch()) {
            return false;
        }
        return singleMicrobatch == null || decodeStep.seconds(sequencesPerDie, kvTokensPerDie, null)
                <= singleMicrobatch.seconds(sequencesPerDie, kvTokensPerDie, null);
    }

    /** Full breakdown of one decode step. */
    public DecodeResult decode(int[] sequencesPerDie, long[] kvTokensPerDie) {
        if (singleMicrobatch != null && !decodeUsesTwoMicrobatches(sequencesPerDie, kvTokensPerDie)) {
            return singleMicrobatch.result(sequencesPerDie, kvTokensPerDie);
        }
        return decodeStep.result(sequencesPerDie, kvTokensPerDie);
    }

    /** Decode step for a uniform instance: every NPU holds {@code batchPerNpu} sequences of KV length {@code kvLength}. */
    public DecodeResult decodeUniform(int batchPerNpu, long kvLength) {
        int dies = layout.decodeDiesPerInstance();
        int[] s = new int[dies];
        long[] k = new long[dies];
        int per = hw.diesPerNpu();
        for (int i = 0; i < dies; i++) {
            int dieInNpu = i % per;
            s[i] = batchPerNpu / per + (dieInNpu < batchPerNpu % per ? 1 : 0);
            k[i] = s[i] * kvLength;
        }
        return decode(s, k);
    }

    // =====================================================================================
    // prefill
    // =====================================================================================

    @Override
    public long prefillBatchMicros(int[] promptTokens, int[] cachedTokens) {
        return Math.round(prefill(promptTokens, cachedTokens).batchMicros());
    }

    /** A batch on one prefill instance; prompts are spread evenly over the instance's dies (sequence parallel). */
    public PrefillResult prefill(int[] promptTokens, int[] cachedTokens) {
        return prefillBatch.evaluate(promptTokens, cachedTokens);
    }

    // =====================================================================================
    // KV movement
    // =====================================================================================

    @Override
    public long kvTransferMicros(int contextTokens) {
        return kvMovement.transferMicros(contextTokens);
    }

    /**
     * Standalone read of cached KV from the memory pool over UB into one die. Note: {@link #prefillBatchMicros}
     * already includes loading the cached prefix of its prompts (layer by layer, overlapped); callers must not
     * add both for the same tokens.
     */
    @Override
    public long cacheReadMicros(int tokens) {
        return kvMovement.poolReadMicros(tokens);
    }

    /** Writing {@code tokens} tokens of KV to the memory pool over UB from one die. */
    public long cacheWriteMicros(int tokens) {
        return kvMovement.poolWriteMicros(tokens);
    }

    // =====================================================================================
    // accessors
    // =====================================================================================

    @Override public PoolLayout layout() { return layout; }
    @Override public int mtpSpeculativeTokens() { return q - 1; }
    @Override public double mtpAcceptance() { return opts.acceptance(); }

    public double tokensPerStep() { return tokensPerStep; }
    public HardwareProfile profile() { return hw; }
    public ModelSpec modelSpec() { return m; }
    public Deployment deployment() { return dep; }
    public DecodeOptions decodeOptions() { return opts; }
    public Calibration calibration() { return cal; }
    /** KV bytes per token of the main model's layers (35,136 B for DeepSeek-R1 at 8 bits). */
    public double kvBytesPerToken() { return bytes.kvBytesPerToken; }
    /** KV bytes per token as stored, moved and cached: the main layers plus the MTP module's own layer. */
    public double kvStoredBytesPerToken() { return bytes.kvStoredBytesPerToken; }
    public double decodeWeightBytesPerDie() { return memory.decodeWeightBytesPerDie; }
    public double decodeBufferBytesPerDie() { return memory.decodeBufferBytesPerDie; }
    public double prefillWeightBytesPerDie() { return memory.prefillWeightBytesPerDie; }
    public double dispatchMessageBytes() { return bytes.dispatchMessageBytes; }
    public double combineMessageBytes() { return bytes.combineMessageBytes; }
}
