package io.cmbench.model.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cmbench.model.CostModels;
import io.cmbench.model.DecodeCapacity;
import io.cmbench.model.RooflineCostModel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CapacityBracketTest {

    static final RooflineCostModel PAPER = CostModels.build("cloudmatrix384", "deepseek-r1", "cloudmatrix-infer", 0);

    static double batchMicros(int n, int prompt) {
        int[] p = new int[n];
        Arrays.fill(p, prompt);
        return PAPER.prefill(p, new int[n]).batchMicros();
    }

    @Test
    void thePapersDeploymentWith4kPromptsIsPrefillBound() {
        SloBounds slo = new SloBounds(2_000_000, 50_000, 0.9);
        CapacityBracket b = CapacityBracket.of(PAPER, WorkloadShape.fixed(4096, 256), slo);
        assertThat(b.unattainable()).isNull();
        assertThat(b.bottleneck()).isEqualTo(CapacityBracket.PREFILL);
        assertThat(b.requestsPerSec()).isEqualTo(b.prefillRequestsPerSec()).isLessThan(b.decodeRequestsPerSec());
        // the batch is the largest whose duration leaves room for the wait and the KV transfer at 90 %
        double limit = (slo.ttftBoundMicros() - b.kvTransferMicros()) / 1.9;
        int n = b.prefillBatchRequests();
        assertThat(batchMicros(n, 4096)).isLessThanOrEqualTo(limit);
        assertThat(batchMicros(n + 1, 4096)).isGreaterThan(limit);
        assertThat(b.prefillRequestsPerSec()).isCloseTo(6 * n / (batchMicros(n, 4096) / 1e6), within(1e-9));
        assertThat(b.prefillRequestsPerSec()).isLessThanOrEqualTo(b.prefillSaturationRequestsPerSec());
        // decode: the largest batch meeting 50 ms, at most the cap of 96
        assertThat(b.decodeBatchPerNpu()).isBetween(1, 96);
        assertThat(b.decodeTpotMicros()).isLessThanOrEqualTo(50_000);
        assertThat(b.decodeRequestsPerSec())
                .isCloseTo(DecodeCapacity.requestsPerSecond(PAPER, b.decodeBatchPerNpu(), 4096, 256), within(1e-9));
    }

    @Test
    void aLooserTtftBoundLetsThePrefillPoolRunFullerBatches() {
        WorkloadShape w = WorkloadShape.fixed(4096, 256);
        double tight = CapacityBracket.of(PAPER, w, new SloBounds(1_000_000, 50_000, 0.9)).prefillRequestsPerSec();
        double loose = CapacityBracket.of(PAPER, w, new SloBounds(4_000_000, 50_000, 0.9)).prefillRequestsPerSec();
        assertThat(loose).isGreaterThan(tight);
    }

    @Test
    void longOutputsMakeTheDecodePoolTheLimit() {
        CapacityBracket b = CapacityBracket.of(PAPER, WorkloadShape.fixed(1024, 1024), new SloBounds(2_000_000, 50_000, 0.9));
        assertThat(b.bottleneck()).isEqualTo(CapacityBracket.DECODE);
        assertThat(b.requestsPerSec()).isEqualTo(b.decodeRequestsPerSec());
    }

    @Test
    void anUnattainableSloNamesItsLimit() {
        WorkloadShape w = WorkloadShape.fixed(4096, 256);
        CapacityBracket kv = CapacityBracket.of(PAPER, w, new SloBounds(1_000, 50_000, 0.9));
        assertThat(kv.bottleneck()).isEqualTo(CapacityBracket.KV_TRANSFER);
        assertThat(kv.unattainable()).startsWith("kv-transfer:").contains("TTFT bound of 1.0 ms");
        assertThat(kv.requestsPerSec()).isZero();
        CapacityBracket prefill = CapacityBracket.of(PAPER, w, new SloBounds(60_000, 50_000, 0.9));
        assertThat(prefill.bottleneck()).isEqualTo(CapacityBracket.PREFILL);
        assertThat(prefill.unattainable()).startsWith("prefill:").contains("4096-token prompt");
        CapacityBracket decode = CapacityBracket.of(PAPER, w, new SloBounds(2_000_000, 1_000, 0.9));
        assertThat(decode.bottleneck()).isEqualTo(CapacityBracket.DECODE);
        assertThat(decode.unattainable()).startsWith("decode:").contains("bound of 1.00 ms");
    }
}
