package io.cmbench.model.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.model.CostModels;
import io.cmbench.model.RooflineCostModel;
import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.SpecLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolSplitTest {

    static final Deployment PAPER = SpecLoader.deployment("cloudmatrix-infer");

    @TempDir
    Path dir;

    @Test
    void poolsAreCutIntoTheBasesInstanceSizeOrTheFewestEqualSmallerOnes() {
        assertThat(PoolSplit.of(PAPER, 96, 160, 0, 0)).isEqualTo(new PoolSplit(6, 16, 1, 160));
        assertThat(PoolSplit.of(PAPER, 96, 288, 0, 0)).isEqualTo(new PoolSplit(6, 16, 2, 144));
        assertThat(PoolSplit.of(PAPER, 100, 320, 0, 0)).isEqualTo(new PoolSplit(10, 10, 2, 160));
        assertThat(PoolSplit.of(PAPER, 96, 320, 3, 4)).isEqualTo(new PoolSplit(3, 32, 4, 80));
        assertThatThrownBy(() -> PoolSplit.of(PAPER, 96, 160, 5, 0)).hasMessageContaining("--prefill-instances")
                .hasMessageContaining("5");
        assertThat(new PoolSplit(6, 16, 1, 160).label()).isEqualTo("6x16+1x160");
    }

    Deployment written(PoolSplit s) {
        Path f = SplitDeployment.write("cloudmatrix-infer", s, SpecLoader.profile("cloudmatrix384"),
                SpecLoader.model("deepseek-r1"), dir, s.label() + ".yaml");
        RooflineCostModel m = CostModels.build("cloudmatrix384", "deepseek-r1", f.toString(), 0);   // validates it
        assertThat(PoolSplit.of(m.deployment())).isEqualTo(s);
        return m.deployment();
    }

    @Test
    void reCutInstancesPlaceOneExpertPerDieOrShareDiesEvenly() {
        Deployment same = written(new PoolSplit(3, 16, 1, 160));
        assertThat(same.decode().redundantExperts()).isEqualTo(PAPER.decode().redundantExperts());
        assertThat(same.decode().sharedExpertCopies()).isEqualTo(PAPER.decode().sharedExpertCopies());

        Deployment ep288 = written(new PoolSplit(6, 16, 2, 144));   // 288 dies: 256 + 16 redundant + 16 shared
        assertThat(ep288.decode().expertParallel()).isEqualTo(288);
        assertThat(ep288.decode().redundantExperts()).isEqualTo(16);
        assertThat(ep288.decode().sharedExpertCopies()).isEqualTo(16);
        assertThat(ep288.decode().sharedDedicated()).isTrue();

        Deployment ep128 = written(new PoolSplit(6, 16, 2, 64));    // 128 dies: two routed experts per die
        assertThat(ep128.decode().expertParallel()).isEqualTo(128);
        assertThat(ep128.decode().sharedDedicated()).isFalse();
        assertThat((256 + ep128.decode().redundantExperts()) % 128).isZero();

        Deployment p32 = written(new PoolSplit(3, 32, 1, 160));     // prefill EP64
        assertThat(p32.prefill().expertParallel()).isEqualTo(64);
        assertThat((256 + p32.prefill().redundantExperts()) % 64).isZero();
    }

    @Test
    void redundantExpertsFillWholeDies() {
        assertThat(SplitDeployment.redundantFor(256, 32, 32)).isEqualTo(32);   // the base's, when it divides
        assertThat(SplitDeployment.redundantFor(256, 32, 96)).isEqualTo(32);   // 288 = 3 x 96
        assertThat(SplitDeployment.redundantFor(256, 32, 80)).isEqualTo(64);   // 320 = 4 x 80
        assertThat(SplitDeployment.redundantFor(256, 0, 100)).isEqualTo(44);   // 300 = 3 x 100
    }
}
