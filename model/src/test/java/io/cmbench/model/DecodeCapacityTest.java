package io.cmbench.model;

import org.junit.jupiter.api.Test;

import io.cmbench.model.validation.PublishedReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DecodeCapacityTest {

    @Test
    void theRateThatFillsThePaperDecodePoolAtItsCap() {
        RooflineCostModel cm = CostModels.build("cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 0);
        double tpot = cm.decodeUniform(96, 4096 + 128).tpotMicros() / 1e6;
        // 160 NPUs x 96 sequences, each holding its slot for 256 tokens at one TPOT per token
        assertThat(DecodeCapacity.requestsPerSecond(cm, 96, 4096, 256)).isCloseTo(160 * 96 / (256 * tpot), within(1e-9));
        // the calibrated TPOT there is the paper's ~49.4 ms: about 1,200 requests/s
        assertThat(DecodeCapacity.requestsPerSecond(cm, 96, 4096, 256)).isBetween(1150.0, 1250.0);
    }

    @Test
    void thePaperReferencePointsOfTheDefaultScenario() {
        ScenarioSpec paper = ScenarioSpec.paperDefault();
        assertThat(PublishedReference.decodePoints(paper)).extracting(PublishedReference.DecodePoint::batchPerNpu)
                .containsExactly(8, 24, 96, 112, 128);
        // 4,096 in / 256 out: mean KV 4,224
        assertThat(PublishedReference.atBatch(paper, 96, 4224).orElseThrow().tokensPerSecondPerNpu()).isEqualTo(1943.0);
        assertThat(PublishedReference.bestWithin(paper, 15, 4224).orElseThrow().tokensPerSecondPerNpu()).isEqualTo(538.0);
        assertThat(PublishedReference.bestWithin(paper, 30, 4224).orElseThrow().batchPerNpu()).isEqualTo(24);
        assertThat(PublishedReference.bestWithin(paper, 50, 4224).orElseThrow().batchPerNpu()).isEqualTo(96);
        // 1,024 in / 1,024 out: the batch-128 row
        assertThat(PublishedReference.bestWithin(paper, 50, 1536).orElseThrow().batchPerNpu()).isEqualTo(128);
        assertThat(PublishedReference.atBatch(paper, 96, 1536)).isEmpty();
        assertThat(PublishedReference.decodePoints(new ScenarioSpec("h", "h800", "deepseek-r1", "deepseek-h800", 0)))
                .extracting(PublishedReference.DecodePoint::batchPerNpu).containsExactly(128);
    }

    @Test
    void searchesReachBatchesAboveTheCapWithBuffersSizedForThem() {
        RooflineCostModel cm = CostModels.build("cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 0);
        long kv = 1024 + 512;
        int limit = SloSearch.memoryLimitedBatch(cm, kv);
        assertThat(limit).isGreaterThan(cm.layout().decodeBatchCapPerNpu());
        // the limit's own sizing holds its KV; one more sequence per die no longer fits (buffers grow with the batch)
        RooflineCostModel atLimit = cm.withBatchCap(limit);
        assertThat((long) ((limit + 1) / 2) * kv).isLessThanOrEqualTo(atLimit.layout().kvCacheTokensPerDie());
        boolean nextFits;
        try {
            RooflineCostModel next = cm.withBatchCap(limit + 2);
            nextFits = (long) ((limit + 3) / 2) * kv <= next.layout().kvCacheTokensPerDie();
        } catch (io.cmbench.model.spec.SpecException e) {
            nextFits = false;
        }
        assertThat(nextFits).isFalse();
        // the paper ran 1,024 in / 1,024 out at batch 128 under 50 ms: the search goes past the cap of 96 to find it
        SloSearch.Result r = SloSearch.maxBatch(cm, 50, 1024, 1024);
        assertThat(r.batchPerNpu()).isGreaterThan(128);
        assertThat(r.exceedsDeploymentCap()).isTrue();
    }
}
