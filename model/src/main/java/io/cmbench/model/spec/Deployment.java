package io.cmbench.model.spec;

import io.cmbench.config.YamlNode;
import static io.cmbench.model.spec.Units.Dim.BYTES;

/**
 * A deployment (YAML under {@code cmbench/deployments/}): pools, parallelism, precision, MTP and overlap.
 * Checks that need the hardware profile or the model (EP degree vs dies, experts vs EP, cores of a
 * stream) are done in {@link #validateAgainst(HardwareProfile, ModelSpec)}.
 */
public record Deployment(
        String name,
        String description,
        String file,
        Quantization quant,
        boolean mtpEnabled,
        int mtpSpeculativeTokens,
        double mtpAcceptance,
        Decode decode,
        Prefill prefill,
        String kvTransferPlane,
        String contextCachePlane,
        int supernodes) {

    /** Most supernodes a fleet deployment may have (each repeats the deployment's prefill and decode pools). */
    public static final int MAX_SUPERNODES = 256;

    /**
     * Data types. {@code kvBProj}: the MLA up-projection kv_b_proj (W_UK and W_UV; absorbed into the query and the
     * output in decode, a plain GEMM in prefill). Optional in the YAML ({@code kv_b_proj}); defaults to {@code weights}.
     */
    public record Quantization(String weights, String activations, String kvCache, String attention, String lmHead,
                               String kvBProj) {}

    public record Stream(int cubeCores, int vectorCores) {}

    public record Decode(int instances, int npusPerInstance, int expertParallel, int redundantExperts,
                         int sharedExpertCopies, boolean sharedDedicated, int batchCapPerNpu, int microbatches,
                         boolean disjointStreams, Stream attentionStream, Stream moeStream, double expertLoadImbalance,
                         double runtimeReservePerDie, boolean adaptiveMicrobatch, boolean vectorKernels, boolean stochasticRouting) {}

    public record Prefill(int instances, int npusPerInstance, int expertParallel, int redundantExperts,
                          boolean sharedDedicated, String attentionParallelism, int attentionTp, int batchTokensPerNpu,
                          int microbatches, double expertLoadImbalance, double runtimeReservePerDie, boolean vectorKernels,
                          boolean routingBesideCommunication, boolean stochasticRouting) {}

    /** The same deployment with another number of prefill microbatches (1 or 2), for the overlap ablation. */
    public Deployment withPrefillMicrobatches(int microbatches) {
        if (microbatches < 1 || microbatches > 2) throw new IllegalArgumentException("prefill microbatches must be 1 or 2, got " + microbatches);
        Prefill p = prefill;
        Prefill q = new Prefill(p.instances(), p.npusPerInstance(), p.expertParallel(), p.redundantExperts(), p.sharedDedicated(),
                p.attentionParallelism(), p.attentionTp(), p.batchTokensPerNpu(), microbatches, p.expertLoadImbalance(),
                p.runtimeReservePerDie(), p.vectorKernels(), p.routingBesideCommunication(), p.stochasticRouting());
        return new Deployment(name, description, file, quant, mtpEnabled, mtpSpeculativeTokens, mtpAcceptance, decode, q, kvTransferPlane, contextCachePlane, supernodes);
    }

    /**
     * The same deployment with every expert-parallel rank receiving exactly its mean share of the routed tokens
     * ("perfect expert load balance", as the paper's headline prefill and Huawei's recipes force it).
     */
    public Deployment withBalancedRouting() {
        Decode d = decode;
        Decode a = new Decode(d.instances(), d.npusPerInstance(), d.expertParallel(), d.redundantExperts(), d.sharedExpertCopies(),
                d.sharedDedicated(), d.batchCapPerNpu(), d.microbatches(), d.disjointStreams(), d.attentionStream(), d.moeStream(),
                d.expertLoadImbalance(), d.runtimeReservePerDie(), d.adaptiveMicrobatch(), d.vectorKernels(), false);
        Prefill p = prefill;
        Prefill q = new Prefill(p.instances(), p.npusPerInstance(), p.expertParallel(), p.redundantExperts(), p.sharedDedicated(),
                p.attentionParallelism(), p.attentionTp(), p.batchTokensPerNpu(), p.microbatches(), p.expertLoadImbalance(),
                p.runtimeReservePerDie(), p.vectorKernels(), p.routingBesideCommunication(), false);
        return new Deployment(name, description, file, quant, mtpEnabled, mtpSpeculativeTokens, mtpAcceptance, a, q, kvTransferPlane, contextCachePlane, supernodes);
    }

    /** The same deployment with its decode microbatch policy "always" (two microbatches on every step), for comparisons. */
    public Deployment withDecodeMicrobatchesAlways() {
        Decode d = decode;
        Decode a = new Decode(d.instances(), d.npusPerInstance(), d.expertParallel(), d.redundantExperts(), d.sharedExpertCopies(),
                d.sharedDedicated(), d.batchCapPerNpu(), d.microbatches(), d.disjointStreams(), d.attentionStream(), d.moeStream(),
                d.expertLoadImbalance(), d.runtimeReservePerDie(), false, d.vectorKernels(), d.stochasticRouting());
        return new Deployment(name, description, file, quant, mtpEnabled, mtpSpeculativeTokens, mtpAcceptance, a, prefill, kvTransferPlane, contextCachePlane, supernodes);
    }

    /** {@code expert_routing}: stochastic (default: each token's top-k drawn, the busiest rank sets the layer) or balanced. */
    private static boolean stochastic(YamlNode n) {
        return !n.has("expert_routing") || n.oneOf("expert_routing", "stochastic", "balanced").equals("stochastic");
    }

    /** Bytes per element of a data type name. */
    public static double bytesOf(String dtype) {
        return switch (dtype) {
            case "int8", "fp8" -> 1.0;
            case "bf16", "fp16" -> 2.0;
            default -> throw new IllegalArgumentException("unknown data type " + dtype);
        };
    }

    private static final String[] DTYPES = {"int8", "fp8", "bf16", "fp16"};

    public static Deployment fromYaml(YamlNode root) {
        root.allowOnly("name", "description", "quantization", "mtp", "decode", "prefill", "kv_transfer", "context_cache", "supernodes");
        int supernodes = supernodes(root);
        YamlNode q = root.child("quantization").allowOnly("weights", "activations", "kv_cache", "attention", "lm_head", "kv_b_proj");
        String weights = q.oneOf("weights", DTYPES);
        Quantization quant = new Quantization(weights, q.oneOf("activations", DTYPES),
                q.oneOf("kv_cache", DTYPES), q.oneOf("attention", DTYPES), q.oneOf("lm_head", DTYPES),
                q.has("kv_b_proj") ? q.oneOf("kv_b_proj", DTYPES) : weights);
        YamlNode mtp = root.child("mtp").allowOnly("enabled", "speculative_tokens", "acceptance");
        boolean mtpOn = mtp.bool("enabled");
        int spec = mtp.nonNegativeInt("speculative_tokens");
        if (mtpOn && spec == 0) throw mtp.error("speculative_tokens", "must be > 0 when MTP is enabled");
        double acc = mtp.probability("acceptance");

        YamlNode d = root.child("decode").allowOnly("instances", "npus_per_instance", "expert_parallel", "redundant_experts",
                "shared_expert_copies", "shared_expert_placement", "batch_cap_per_npu", "microbatches", "stream_split",
                "attention_stream", "moe_stream", "expert_load_imbalance", "runtime_reserve_per_die", "microbatch_policy",
                "vector_kernels", "expert_routing");
        int mb = d.positiveInt("microbatches");
        if (mb > 2) throw d.error("microbatches", "must be 1 or 2, got " + mb);
        Decode dec = new Decode(d.positiveInt("instances"), d.positiveInt("npus_per_instance"), d.positiveInt("expert_parallel"),
                d.nonNegativeInt("redundant_experts"), d.positiveInt("shared_expert_copies"),
                d.oneOf("shared_expert_placement", "dedicated", "replicated").equals("dedicated"),
                d.positiveInt("batch_cap_per_npu"), mb, d.oneOf("stream_split", "disjoint", "shared").equals("disjoint"),
                stream(d.child("attention_stream")), stream(d.child("moe_stream")), d.atLeast("expert_load_imbalance", 1.0),
                Units.quantityOrZero(d, "runtime_reserve_per_die", BYTES),
                d.string("microbatch_policy", "always").equals("adaptive") && mb == 2,
                d.has("vector_kernels") && d.oneOf("vector_kernels", "none", "fused-mc2").equals("fused-mc2"),
                stochastic(d));
        if (d.has("microbatch_policy")) {
            d.oneOf("microbatch_policy", "always", "adaptive");
        }

        YamlNode p = root.child("prefill").allowOnly("instances", "npus_per_instance", "expert_parallel", "redundant_experts",
                "shared_expert_placement", "attention_parallelism", "attention_tp", "batch_tokens_per_npu", "microbatches",
                "expert_load_imbalance", "runtime_reserve_per_die", "vector_kernels", "routing_permutations", "expert_routing");
        int pmb = p.positiveInt("microbatches");
        if (pmb > 2) throw p.error("microbatches", "must be 1 or 2, got " + pmb);
        Prefill pre = new Prefill(p.positiveInt("instances"), p.positiveInt("npus_per_instance"), p.positiveInt("expert_parallel"),
                p.nonNegativeInt("redundant_experts"),
                p.oneOf("shared_expert_placement", "dedicated", "replicated").equals("dedicated"),
                p.oneOf("attention_parallelism", "sp-tp-sp", "dp"), p.positiveInt("attention_tp"),
                p.positiveInt("batch_tokens_per_npu"), pmb, p.atLeast("expert_load_imbalance", 1.0),
                Units.quantityOrZero(p, "runtime_reserve_per_die", BYTES),
                p.has("vector_kernels") && p.oneOf("vector_kernels", "none", "double-routing").equals("double-routing"),
                p.has("routing_permutations")
                        && p.oneOf("routing_permutations", "compute-stream", "beside-communication").equals("beside-communication"),
                stochastic(p));
        if (pre.routingBesideCommunication() && !pre.vectorKernels()) {
            throw p.error("routing_permutations", "needs vector_kernels: double-routing (there are no permutation kernels to place)");
        }
        if (pre.sharedDedicated()) throw p.error("shared_expert_placement", "only 'replicated' is modelled for prefill");
        if (pre.attentionParallelism().equals("dp") && pre.attentionTp() != 1) {
            throw p.error("attention_tp", "must be 1 with attention_parallelism dp");
        }
        YamlNode kv = root.child("kv_transfer").allowOnly("plane");
        // the context cache (EMS): reached over UB as in the paper, or over the VPC plane (a what-if)
        String cachePlane = root.has("context_cache")
                ? root.child("context_cache").allowOnly("plane").oneOf("plane", "ub", "vpc") : "ub";
        return new Deployment(root.string("name"), root.string("description", root.string("name")), root.file(), quant,
                mtpOn, mtpOn ? spec : 0, acc, dec, pre, kv.oneOf("plane", "rdma", "ub"), cachePlane, supernodes);
    }

    /** {@code supernodes}: a fleet, the pools repeated on each of N supernodes (absent: 1, one supernode). */
    static int supernodes(YamlNode root) {
        int n = root.has("supernodes") ? root.positiveInt("supernodes") : 1;
        if (n > MAX_SUPERNODES) throw root.error("supernodes", "at most " + MAX_SUPERNODES + ", got " + n);
        return n;
    }

    private static Stream stream(YamlNode n) {
        n.allowOnly("cube_cores", "vector_cores");
        return new Stream(n.positiveInt("cube_cores"), n.positiveInt("vector_cores"));
    }

    private SpecException err(String field, String reason) { return new SpecException(file, field, reason); }

    /** Cross-checks against the hardware and the model; throws naming this deployment file and the field. */
    public void validateAgainst(HardwareProfile hw, ModelSpec m) {
        for (String[] f : new String[][] {{"quantization.weights", quant.weights()}, {"quantization.attention", quant.attention()},
                {"quantization.lm_head", quant.lmHead()}, {"quantization.activations", quant.activations()},
                {"quantization.kv_b_proj", quant.kvBProj()}}) {
            if (!hw.peakOpsPerDie().containsKey(f[1])) {
                throw err(f[0], "profile " + hw.name() + " has no " + f[1] + " compute (peaks: " + new java.util.TreeSet<>(hw.peakOpsPerDie().keySet()) + ")");
            }
        }
        if (mtpEnabled && m.mtpModules() == 0) throw err("mtp.enabled", "model " + m.name() + " has no MTP module");
        // ---- decode ----
        int dies = decode.npusPerInstance() * hw.diesPerNpu();
        if (decode.expertParallel() != dies) {
            throw err("decode.expert_parallel", "EP " + decode.expertParallel() + " must equal the instance's dies ("
                    + decode.npusPerInstance() + " NPUs x " + hw.diesPerNpu() + " dies on " + hw.name() + " = " + dies + ")");
        }
        int slots = m.routedExperts() + decode.redundantExperts();
        if (decode.redundantExperts() > m.routedExperts()) throw err("decode.redundant_experts", "more than routed experts");
        if (decode.sharedDedicated()) {
            int used = slots + decode.sharedExpertCopies() * Math.max(1, m.sharedExperts());
            if (used != decode.expertParallel()) {
                throw err("decode.expert_parallel", "EP " + decode.expertParallel() + " does not hold routed + redundant + shared copies = "
                        + slots + " + " + decode.sharedExpertCopies() + " experts at one expert per die");
            }
        } else if (slots % decode.expertParallel() != 0) {
            throw err("decode.expert_parallel", "EP " + decode.expertParallel() + " does not divide routed + redundant experts (" + slots + ")");
        }
        if (decode.disjointStreams()) {
            if (decode.attentionStream().cubeCores() + decode.moeStream().cubeCores() > hw.cubeCores()) {
                throw err("decode.moe_stream.cube_cores", "attention + MoE streams use more cube cores than a die has (" + hw.cubeCores() + ")");
            }
            if (decode.attentionStream().vectorCores() + decode.moeStream().vectorCores() > hw.vectorCores()) {
                throw err("decode.moe_stream.vector_cores", "attention + MoE streams use more vector cores than a die has (" + hw.vectorCores() + ")");
            }
        } else {
            if (decode.attentionStream().cubeCores() > hw.cubeCores()) throw err("decode.attention_stream.cube_cores", "more than a die has (" + hw.cubeCores() + ")");
            if (decode.moeStream().cubeCores() > hw.cubeCores()) throw err("decode.moe_stream.cube_cores", "more than a die has (" + hw.cubeCores() + ")");
        }
        // ---- prefill ----
        int pdies = prefill.npusPerInstance() * hw.diesPerNpu();
        if (prefill.expertParallel() != pdies) {
            throw err("prefill.expert_parallel", "EP " + prefill.expertParallel() + " must equal the instance's dies (" + pdies + ")");
        }
        int pslots = m.routedExperts() + prefill.redundantExperts();
        if (pslots % prefill.expertParallel() != 0) {
            throw err("prefill.expert_parallel", "EP " + prefill.expertParallel() + " does not divide routed + redundant experts (" + pslots + ")");
        }
        if (pdies % prefill.attentionTp() != 0) throw err("prefill.attention_tp", "must divide the instance's dies (" + pdies + ")");
        if (m.heads() % prefill.attentionTp() != 0) throw err("prefill.attention_tp", "must divide the heads (" + m.heads() + ")");
        int totalNpus = decode.instances() * decode.npusPerInstance() + prefill.instances() * prefill.npusPerInstance();
        if (totalNpus > hw.npusPerNode() * hw.nodes()) {
            throw err("decode.npus_per_instance", "prefill + decode use " + totalNpus + " NPUs" + (supernodes > 1 ? " per supernode" : "")
                    + ", profile " + hw.name() + " has " + hw.npusPerNode() * hw.nodes()
                    + (supernodes > 1 ? " (a fleet repeats both pools on each of its " + supernodes + " supernodes)" : ""));
        }
    }
}
