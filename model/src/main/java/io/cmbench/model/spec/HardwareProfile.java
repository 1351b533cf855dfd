package io.cmbench.model.spec;

import io.cmbench.config.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.cmbench.model.spec.Units.Dim.BANDWIDTH;
import static io.cmbench.model.spec.Units.Dim.BYTES;
import static io.cmbench.model.spec.Units.Dim.RATE;
import static io.cmbench.model.spec.Units.Dim.TIME;

/**
 * A hardware profile (YAML under {@code cmbench/profiles/}). All quantities are in SI base units:
 * ops/s, bytes, bytes/s, seconds. "Die" is the unit of data parallelism (an Ascend 910C has two).
 */
public record HardwareProfile(
        String name,
        String description,
        String npuName,
        int diesPerNpu,
        double dieToDieBandwidth,
        int cubeCores,
        int vectorCores,
        Map<String, Double> peakOpsPerDie,
        double hbmBytesPerDie,
        double hbmBandwidthPerDie,
        int npusPerNode,
        int nodes,
        double ubBandwidthPerDie,
        Map<String, Path> ubPaths,
        double rdmaBandwidthPerDie,
        double rdmaLatency,
        double vpcBandwidthPerNode,
        double vpcLatency,
        String poolReadPath,
        String poolWritePath,
        Map<String, Factor> efficiency,
        EpCollectives ep) {

    /** One measured UB path (per die, one direction). */
    public record Path(double intraBandwidth, double interBandwidth, double intraLatency, double interLatency) {}

    /** A named achievable-efficiency factor and the benchmark it comes from. */
    public record Factor(String name, double value, String source) {}

    /** One row of the measured dispatch/combine table. */
    public record EpRow(int ep, double dispatchSeconds, double combineSeconds) {}

    /** Measured expert-parallel dispatch/combine, the basis of the alpha-beta model. */
    public record EpCollectives(String plane, String betaPath, int benchTokensPerRank, int benchTopK,
                                double dispatchMessageBytes, double combineMessageBytes, List<EpRow> table) {}

    public static final List<String> FACTORS = List.of("gemm_compute", "attention_compute", "hbm_bandwidth");
    /** Factors a profile may give; without one the model uses the named fallback ({@link #efficiencyOr}). */
    public static final List<String> OPTIONAL_FACTORS = List.of("prefill_attention_compute", "vector_kernel_bandwidth",
            "attention_projection_compute");
    public static final List<String> UB_PATHS = List.of("npu_npu_read", "npu_npu_write", "npu_cpu_read", "npu_cpu_write");

    public int diesPerNode() { return npusPerNode * diesPerNpu; }

    public double peak(String dtype) {
        Double d = peakOpsPerDie.get(dtype);
        if (d == null) throw new IllegalArgumentException("profile " + name + " has no " + dtype + " peak");
        return d;
    }

    public Factor factor(String n) { return efficiency.get(n); }

    /** The value of an optional factor, or of {@code fallback} when the profile does not give it. */
    public double efficiencyOr(String n, String fallback) {
        Factor f = efficiency.get(n);
        return f != null ? f.value() : efficiency.get(fallback).value();
    }

    /** The same profile with every compute peak multiplied by {@code scale}: a sensitivity, never a calibration. */
    public HardwareProfile withPeaksScaled(double scale) {
        if (!(scale > 0)) throw new IllegalArgumentException("peak scale must be > 0, got " + scale);
        Map<String, Double> peaks = new LinkedHashMap<>();
        peakOpsPerDie.forEach((dtype, ops) -> peaks.put(dtype, ops * scale));
        return new HardwareProfile(name, description, npuName, diesPerNpu, dieToDieBandwidth, cubeCores, vectorCores,
                Map.copyOf(peaks), hbmBytesPerDie, hbmBandwidthPerDie, npusPerNode, nodes, ubBandwidthPerDie, ubPaths,
                rdmaBandwidthPerDie, rdmaLatency, vpcBandwidthPerNode, vpcLatency, poolReadPath, poolWritePath, efficiency, ep);
    }

    /** Builds and validates a profile from its YAML root node. */
    public static HardwareProfile fromYaml(YamlNode root) {
        root.allowOnly("name", "description", "npu", "topology", "planes", "memory_pool", "efficiency", "ep_collectives");
        String name = root.string("name");
        YamlNode npu = root.child("npu").allowOnly("name", "dies_per_npu", "die_to_die_bandwidth", "die");
        int dies = npu.positiveInt("dies_per_npu");
        double d2d = dies > 1 ? Units.quantity(npu, "die_to_die_bandwidth", BANDWIDTH) : 0;
        YamlNode die = npu.child("die").allowOnly("cube_cores", "vector_cores", "peak", "hbm_capacity", "hbm_bandwidth");
        YamlNode peakNode = die.child("peak");
        Map<String, Double> peak = new LinkedHashMap<>();
        for (String k : peakNode.keys()) {
            if (!List.of("bf16", "fp16", "fp8", "int8").contains(k)) throw peakNode.error(k, "unknown data type (bf16, fp16, fp8, int8)");
            peak.put(k, Units.quantity(peakNode, k, RATE));
        }
        if (!peak.containsKey("bf16")) throw peakNode.error("bf16", "missing field");
        YamlNode topo = root.child("topology").allowOnly("npus_per_node", "nodes");
        YamlNode planes = root.child("planes").allowOnly("ub", "rdma", "vpc");
        YamlNode ub = planes.child("ub").allowOnly("bandwidth_per_die", "measured");
        double ubBw = Units.quantity(ub, "bandwidth_per_die", BANDWIDTH);
        YamlNode measured = ub.child("measured").allowOnly(UB_PATHS.toArray(new String[0]));
        Map<String, Path> paths = new LinkedHashMap<>();
        for (String p : UB_PATHS) {
            YamlNode n = measured.child(p).allowOnly("intra_bandwidth", "inter_bandwidth", "intra_latency", "inter_latency");
            Path path = new Path(Units.quantity(n, "intra_bandwidth", BANDWIDTH), Units.quantity(n, "inter_bandwidth", BANDWIDTH),
                    Units.quantity(n, "intra_latency", TIME), Units.quantity(n, "inter_latency", TIME));
            if (path.intraBandwidth() > ubBw * 1.0001) throw n.error("intra_bandwidth", "exceeds the plane's bandwidth_per_die");
            paths.put(p, path);
        }
        YamlNode rdma = planes.child("rdma").allowOnly("bandwidth_per_die", "latency");
        YamlNode vpc = planes.child("vpc").allowOnly("bandwidth_per_node", "latency");
        YamlNode pool = root.child("memory_pool").allowOnly("plane", "read_path", "write_path");
        pool.oneOf("plane", "ub");
        String readPath = pool.oneOf("read_path", UB_PATHS.toArray(new String[0]));
        String writePath = pool.oneOf("write_path", UB_PATHS.toArray(new String[0]));

        List<String> allowed = new ArrayList<>(FACTORS);
        allowed.addAll(OPTIONAL_FACTORS);
        YamlNode eff = root.child("efficiency").allowOnly(allowed.toArray(new String[0]));
        Map<String, Factor> factors = new LinkedHashMap<>();
        for (String f : allowed) {
            if (OPTIONAL_FACTORS.contains(f) && !eff.has(f)) continue;
            YamlNode n = eff.child(f).allowOnly("value", "source");
            factors.put(f, new Factor(f, n.fraction("value"), n.string("source")));
        }

        YamlNode epn = root.child("ep_collectives").allowOnly("plane", "beta_path", "benchmark_tokens_per_rank",
                "benchmark_top_k", "dispatch_message", "combine_message", "table");
        String epPlane = epn.oneOf("plane", "ub", "rdma");
        String beta = epn.oneOf("beta_path", "npu_npu_write", "npu_npu_read", "rdma");
        List<EpRow> rows = new ArrayList<>();
        int lastEp = 0;
        for (YamlNode r : epn.list("table")) {
            r.allowOnly("ep", "dispatch", "combine");
            int ep = r.positiveInt("ep");
            if (ep <= lastEp) throw r.error("ep", "rows must be in increasing EP order");
            lastEp = ep;
            rows.add(new EpRow(ep, Units.quantity(r, "dispatch", TIME), Units.quantity(r, "combine", TIME)));
        }
        return new HardwareProfile(name, root.string("description", name), npu.string("name"), dies, d2d,
                die.positiveInt("cube_cores"), die.positiveInt("vector_cores"), Map.copyOf(peak),
                Units.quantity(die, "hbm_capacity", BYTES), Units.quantity(die, "hbm_bandwidth", BANDWIDTH),
                topo.positiveInt("npus_per_node"), topo.positiveInt("nodes"),
                ubBw, Map.copyOf(paths), Units.quantity(rdma, "bandwidth_per_die", BANDWIDTH), Units.quantity(rdma, "latency", TIME),
                Units.quantity(vpc, "bandwidth_per_node", BANDWIDTH), Units.quantity(vpc, "latency", TIME),
                readPath, writePath, factors,
                new EpCollectives(epPlane, beta, epn.positiveInt("benchmark_tokens_per_rank"), epn.positiveInt("benchmark_top_k"),
                        Units.quantity(epn, "dispatch_message", BYTES), Units.quantity(epn, "combine_message", BYTES), List.copyOf(rows)));
    }
}
