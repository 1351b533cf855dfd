package io.cmbench.model.validation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cmbench.model.Calibration;
import io.cmbench.model.CostModels;
import io.cmbench.model.DecodeResult;
import io.cmbench.model.PrefillResult;
import io.cmbench.model.RooflineCostModel;
import io.cmbench.model.RooflineCostModel.DecodeOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/MODEL.md quotes figures of the physics variant in its prose; each is recomputed here and must stand in the text
 * as written, so a model change that moves one makes this test fail until the doc says the new value.
 */
class ModelDocFiguresTest {

    static Map<String, String> figures() {
        RooflineCostModel cm = Validation.paperModel();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("EP320 alphas", String.format(Locale.ROOT, "α_D = %.1f µs, α_C = %.1f µs", cm.dispatchAlphaMicros(), cm.combineAlphaMicros()));
        f.put("memory plan", String.format(Locale.ROOT, "(%,d for the paper's deployment: %.2f GB weights, %.2f GB buffers",
                cm.layout().kvCacheTokensPerDie(), cm.decodeWeightBytesPerDie() / 1e9, cm.decodeBufferBytesPerDie() / 1e9));
        DecodeOptions o = cm.decodeOptions();
        RooflineCostModel always = cm.withDeployment(cm.deployment().withDecodeMicrobatchesAlways());
        RooflineCostModel one = cm.withDecodeOptions(new DecodeOptions(o.mtp(), o.acceptance(), false));
        f.put("batch 8 microbatch policy", String.format(Locale.ROOT, "batch 8: %.2f ms as two\nmicrobatches, %.2f ms as one",
                always.decodeUniform(8, 4224).tpotMicros() / 1e3, one.decodeUniform(8, 4224).tpotMicros() / 1e3));
        DecodeResult d96 = cm.decodeUniform(96, 4096);
        f.put("fill at batch 96", String.format(Locale.ROOT, "F = m(mb2) =\n%.0f µs", d96.streams().get("pipeline_fill_drain")));
        f.put("decode LM head", String.format(Locale.ROOT, "memory-bound: %.2f ms)", d96.lmHeadMicros() / 1e3));
        f.put("KV transfer", String.format(Locale.ROOT, "4,096 tokens: %.2f ms.", cm.kvTransferMicros(4096) / 1e3));
        f.put("cache read", String.format(Locale.ROOT, "4,096 tokens: %.2f ms read.", cm.cacheReadMicros(4096) / 1e3));
        f.put("decode vector kernels", String.format(Locale.ROOT, "Decode at batch 96: ≈ %.0f µs per layer",
                d96.operators().get("vector_kernels")));
        PrefillResult p = Validation.prefill4k(cm);
        f.put("prefill vector kernels", String.format(Locale.ROOT, "%.1f ms + %.1f ms of routing per MoE layer",
                p.operators().get("vector_kernels") / 1e3, p.operators().get("routing_permutations") / 1e3));
        f.put("cann vs paper", String.format(Locale.ROOT, "the model puts the two deployments %.1f ms apart",
                (CannRecipes.model().decodeUniform(96, 4146).tpotMicros() - cm.decodeUniform(96, 4096).tpotMicros()) / 1e3));
        // the prefill microbatch ablation with the routing permutations on the compute stream (the deployment) or beside
        // the communication
        RooflineCostModel onePrefillMb = cm.withDeployment(cm.deployment().withPrefillMicrobatches(1));
        double computeStream = Validation.prefill4k(cm).moeLayerMicros() / Validation.prefill4k(onePrefillMb).moeLayerMicros() - 1;
        io.cmbench.model.spec.Deployment besideDep = io.cmbench.model.spec.SpecLoader.parseText("beside.yaml",
                resource("cmbench/deployments/cloudmatrix-infer.yaml").replace("routing_permutations: compute-stream",
                        "routing_permutations: beside-communication"), io.cmbench.model.spec.Deployment::fromYaml);
        RooflineCostModel beside = cm.withDeployment(besideDep);
        double besideChange = Validation.prefill4k(beside).moeLayerMicros()
                / Validation.prefill4k(beside.withDeployment(besideDep.withPrefillMicrobatches(1))).moeLayerMicros() - 1;
        f.put("prefill routing placement", String.format(Locale.ROOT,
                "fits routing on the compute stream, %.1f %% in the model, better than beside the\ncommunication, %.0f %%",
                100 * computeStream, 100 * besideChange).replace("-", "−"));
        RooflineCostModel h = CostModels.build("h800", "deepseek-r1", "deepseek-h800", 0, Calibration.PHYSICS_NAME);
        double hTpot = h.decodeUniform(128, 4096).tpotMicros() / 1e3;
        f.put("h800 decode", String.format(Locale.ROOT, "gives %.1f ms (≈ %+.0f %%)", hTpot, 100 * (hTpot / 50.2 - 1)).replace("+-", "−").replace("-", "−"));
        return f;
    }

    private static String resource(String path) {
        try (var in = ModelDocFiguresTest.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyFigureModelMdQuotesIsTheModelsOwn() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "MODEL.md"));
        String flat = doc.replaceAll("\\s+", " ");
        java.util.List<String> missing = new java.util.ArrayList<>();
        figures().forEach((name, text) -> {
            if (!flat.contains(text.replaceAll("\\s+", " "))) missing.add(name + ": \"" + text.replaceAll("\\s+", " ") + "\"");
        });
        assertThat(missing).as("figures docs/MODEL.md must quote as the model gives them now").isEmpty();
    }
}
