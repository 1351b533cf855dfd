package io.cmbench.model;

import org.junit.jupiter.api.Test;

import io.cmbench.model.spec.SpecException;
import io.cmbench.model.spec.SpecLoader;

import static io.cmbench.model.TestSpecs.replaceOnce;
import static io.cmbench.model.TestSpecs.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecValidationTest {

    private static final String CM = text("profiles", "cloudmatrix384");
    private static final String R1 = text("models", "deepseek-r1");
    private static final String DEP = text("deployments", "cloudmatrix-infer");

    @Test
    void shippedDescriptionsLoadAndAgreeWithTheReferenceSheet() {
        for (String p : SpecLoader.PROFILES) assertThat(SpecLoader.profile(p).name()).isEqualTo(p);
        var hw = SpecLoader.profile("cloudmatrix384");
        assertThat(hw.diesPerNpu()).isEqualTo(2);
        assertThat(hw.peak("bf16")).isEqualTo(376e12);
        assertThat(hw.peak("int8")).isEqualTo(752e12);
        assertThat(hw.hbmBandwidthPerDie()).isEqualTo(1.6e12);
        assertThat(hw.hbmBytesPerDie()).isEqualTo(64e9);
        assertThat(hw.rdmaBandwidthPerDie()).isEqualTo(25e9);       // 200 Gbps
        assertThat(hw.ubPaths().get("npu_npu_read").interLatency()).isCloseTo(1.9e-6, org.assertj.core.api.Assertions.within(1e-15));
        var m = SpecLoader.model("deepseek-r1");
        assertThat(m.kvElementsPerTokenPerLayer() * m.layers()).isEqualTo(35_136);
        assertThat(m.totalParams()).isBetween(0.99 * 671e9, 1.01 * 671e9);
        assertThat(m.activeParams()).isBetween(0.97 * 37e9, 1.03 * 37e9);
        for (String d : SpecLoader.DEPLOYMENTS) assertThat(SpecLoader.deployment(d).name()).isEqualTo(d);
    }

    @Test
    void missingFieldNamesFileAndField() {
        String bad = replaceOnce(CM, "    hbm_bandwidth: 1.6 TB/s\n", "");
        assertThatThrownBy(() -> TestSpecs.profile(bad))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("profiles/test.yaml")
                .hasMessageContaining("npu.die.hbm_bandwidth")
                .hasMessageContaining("missing field");
    }

    @Test
    void wrongUnitIsRefused() {
        String bad = replaceOnce(CM, "hbm_bandwidth: 1.6 TB/s", "hbm_bandwidth: 1.6 TB");
        assertThatThrownBy(() -> TestSpecs.profile(bad))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("npu.die.hbm_bandwidth")
                .hasMessageContaining("wrong unit");
        String noUnit = replaceOnce(CM, "hbm_capacity: 64 GB", "hbm_capacity: 64");
        assertThatThrownBy(() -> TestSpecs.profile(noUnit)).hasMessageContaining("npu.die.hbm_capacity").hasMessageContaining("missing unit");
    }

    @Test
    void zeroBandwidthIsImpossible() {
        String bad = replaceOnce(CM, "bandwidth_per_die: 200 Gbps", "bandwidth_per_die: 0 Gbps");
        assertThatThrownBy(() -> TestSpecs.profile(bad))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("planes.rdma.bandwidth_per_die")
                .hasMessageContaining("must be > 0");
    }

    @Test
    void efficiencyAboveOneIsRefused() {
        String bad = replaceOnce(CM, "value: 0.654", "value: 1.2");
        assertThatThrownBy(() -> TestSpecs.profile(bad)).hasMessageContaining("efficiency.attention_compute.value");
    }

    @Test
    void optionalFactorsAreCheckedWhenGivenAndFallBackWhenNot() {
        String bad = replaceOnce(CM, "value: 0.425", "value: 0");
        assertThatThrownBy(() -> TestSpecs.profile(bad)).hasMessageContaining("efficiency.vector_kernel_bandwidth.value");
        io.cmbench.model.spec.HardwareProfile h800 = io.cmbench.model.spec.SpecLoader.profile("h800");
        assertThat(h800.factor("prefill_attention_compute")).isNull();
        assertThat(h800.efficiencyOr("prefill_attention_compute", "attention_compute"))
                .isEqualTo(h800.factor("attention_compute").value());
    }

    @Test
    void typoIsAnUnknownField() {
        String bad = replaceOnce(CM, "hbm_bandwidth:", "hbm_bandwith:");
        assertThatThrownBy(() -> TestSpecs.profile(bad)).hasMessageContaining("npu.die.hbm_bandwith").hasMessageContaining("unknown field");
    }

    @Test
    void modelTopKAboveExpertsIsRefused() {
        String bad = replaceOnce(R1, "top_k: 8", "top_k: 300");
        assertThatThrownBy(() -> TestSpecs.model(bad)).hasMessageContaining("models/test.yaml").hasMessageContaining("moe.top_k");
        String wrongDims = replaceOnce(R1, "expert_inter: 2048", "expert_inter: 1024");
        assertThatThrownBy(() -> TestSpecs.model(wrongDims)).hasMessageContaining("published.total_params");
    }

    @Test
    void epDegreeNotDividingExpertsIsRefused() {
        // prefill 15 NPUs = 30 dies, EP30: 288 routed + redundant experts do not divide over 30 ranks
        String bad = replaceOnce(replaceOnce(DEP, "npus_per_instance: 16 ", "npus_per_instance: 15 "),
                "expert_parallel: 32 ", "expert_parallel: 30 ");
        var d = TestSpecs.deployment(bad);
        var hw = SpecLoader.profile("cloudmatrix384");
        var m = SpecLoader.model("deepseek-r1");
        assertThatThrownBy(() -> d.validateAgainst(hw, m))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("deployments/test.yaml")
                .hasMessageContaining("prefill.expert_parallel")
                .hasMessageContaining("does not divide");
    }

    @Test
    void aFleetRepeatsItsBasesPoolsOnEverySupernode() {
        var base = SpecLoader.deployment("cloudmatrix-infer");
        var fleet = SpecLoader.deployment("cloudmatrix-infer-fleet");
        assertThat(base.supernodes()).isEqualTo(1);
        assertThat(fleet.supernodes()).isEqualTo(8);
        assertThat(fleet.decode()).isEqualTo(base.decode());
        assertThat(fleet.prefill()).isEqualTo(base.prefill());
        var layout = new RooflineCostModel(SpecLoader.profile("cloudmatrix384"), SpecLoader.model("deepseek-r1"), fleet, 0, null).layout();
        assertThat(layout.supernodes()).isEqualTo(8);
        assertThat(layout.prefillInstances()).isEqualTo(48);
        assertThat(layout.prefillInstancesPerSupernode()).isEqualTo(6);
        assertThat(layout.decodeInstances()).isEqualTo(8);
        assertThat(layout.decodeNpus()).isEqualTo(8 * 160);
    }

    @Test
    void aFleetWhosePoolsDoNotFitOneSupernodeIsRefused() {
        // 6 x 16 prefill + 2 x 160 decode = 416 NPUs on every supernode, which has 384
        var d = TestSpecs.deployment(replaceOnce(DEP, "  instances: 1\n", "  instances: 2\n") + "supernodes: 4\n");
        assertThatThrownBy(() -> d.validateAgainst(SpecLoader.profile("cloudmatrix384"), SpecLoader.model("deepseek-r1")))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("decode.npus_per_instance")
                .hasMessageContaining("416 NPUs per supernode")
                .hasMessageContaining("4 supernodes");
        assertThatThrownBy(() -> TestSpecs.deployment(DEP + "supernodes: 0\n")).hasMessageContaining("supernodes");
        assertThatThrownBy(() -> TestSpecs.deployment(DEP + "supernodes: 257\n")).hasMessageContaining("supernodes")
                .hasMessageContaining("at most 256");
    }

    @Test
    void aDeploymentWrittenAsAVariantMayChangeOnlyItsNameDescriptionAndSupernodes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path ok = java.nio.file.Files.writeString(dir.resolve("two.yaml"), "base: cloudmatrix-infer\nname: two\nsupernodes: 2\n");
        assertThat(SpecLoader.deployment(ok.toString()).supernodes()).isEqualTo(2);
        assertThat(SpecLoader.deployment(ok.toString()).name()).isEqualTo("two");
        java.nio.file.Path other = java.nio.file.Files.writeString(dir.resolve("other.yaml"),
                "base: cloudmatrix-infer\nname: other\nmtp:\n  enabled: false\n");
        assertThatThrownBy(() -> SpecLoader.deployment(other.toString())).isInstanceOf(SpecException.class)
                .hasMessageContaining("other.yaml").hasMessageContaining("mtp");
        java.nio.file.Path unknown = java.nio.file.Files.writeString(dir.resolve("unknown.yaml"), "base: nonesuch\nsupernodes: 2\n");
        assertThatThrownBy(() -> SpecLoader.deployment(unknown.toString())).hasMessageContaining("base")
                .hasMessageContaining("nonesuch");
        java.nio.file.Path zero = java.nio.file.Files.writeString(dir.resolve("zero.yaml"), "base: cloudmatrix-infer\nsupernodes: 0\n");
        assertThatThrownBy(() -> SpecLoader.deployment(zero.toString())).hasMessageContaining("zero.yaml:2")
                .hasMessageContaining("supernodes");
    }

    @Test
    void epDegreeMustMatchDies() {
        var d = SpecLoader.deployment("cloudmatrix-infer");
        // cloudmatrix-infer needs 2 dies per NPU (EP320 on 160 NPUs); an H800 has one
        assertThatThrownBy(() -> new RooflineCostModel(SpecLoader.profile("h800"), SpecLoader.model("deepseek-r1"), d, 0, null))
                .hasMessageContaining("decode.expert_parallel").hasMessageContaining("320");
    }

    @Test
    void moreExpertsPerDieThanMemoryHoldsIsRefused() {
        // prefill on 2 NPUs = 4 dies, EP4: 72 routed experts per die x 59 layers ~ 190 GB > 64 GB
        String bad = replaceOnce(replaceOnce(DEP, "npus_per_instance: 16 ", "npus_per_instance: 2 "),
                "expert_parallel: 32 ", "expert_parallel: 4 ");
        bad = replaceOnce(bad, "attention_tp: 4", "attention_tp: 2");
        var d = TestSpecs.deployment(bad);
        assertThatThrownBy(() -> new RooflineCostModel(SpecLoader.profile("cloudmatrix384"), SpecLoader.model("deepseek-r1"), d, 0, null))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("prefill.expert_parallel")
                .hasMessageContaining("exceed");
    }

    @Test
    void precisionTheHardwareLacksIsRefused() {
        var d = SpecLoader.deployment("deepseek-h800");  // FP8
        var bad = TestSpecs.deployment(replaceOnce(replaceOnce(text("deployments", "deepseek-h800"),
                "npus_per_instance: 144", "npus_per_instance: 72"), "npus_per_instance: 32", "npus_per_instance: 16 "));
        assertThat(d.quant().weights()).isEqualTo("fp8");
        assertThatThrownBy(() -> bad.validateAgainst(SpecLoader.profile("cloudmatrix384"), SpecLoader.model("deepseek-r1")))
                .hasMessageContaining("quantization.weights").hasMessageContaining("no fp8");
        // kv_b_proj defaults to the weight type; the paper's deployment keeps it in BF16; FP8 on Ascend is refused
        assertThat(d.quant().kvBProj()).isEqualTo("fp8");
        assertThat(SpecLoader.deployment("cloudmatrix-infer").quant().kvBProj()).isEqualTo("bf16");
        var fp8Kvb = TestSpecs.deployment(replaceOnce(DEP, "kv_b_proj: bf16", "kv_b_proj: fp8"));
        assertThatThrownBy(() -> fp8Kvb.validateAgainst(SpecLoader.profile("cloudmatrix384"), SpecLoader.model("deepseek-r1")))
                .hasMessageContaining("quantization.kv_b_proj").hasMessageContaining("no fp8");
    }

    @Test
    void streamsUsingMoreCoresThanTheDieHasAreRefused() {
        String bad = replaceOnce(DEP, "moe_stream: {cube_cores: 8", "moe_stream: {cube_cores: 9");
        var d = TestSpecs.deployment(bad);
        assertThatThrownBy(() -> d.validateAgainst(SpecLoader.profile("cloudmatrix384"), SpecLoader.model("deepseek-r1")))
                .hasMessageContaining("decode.moe_stream.cube_cores");
    }

    @Test
    void unknownNameAndBrokenYaml() {
        assertThatThrownBy(() -> SpecLoader.profile("no-such-profile")).hasMessageContaining("profiles/no-such-profile.yaml");
        assertThatThrownBy(() -> TestSpecs.profile("name: [unclosed")).hasMessageContaining("profiles/test.yaml").hasMessageContaining("YAML");
    }
}
