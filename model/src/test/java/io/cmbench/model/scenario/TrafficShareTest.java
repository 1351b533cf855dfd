package io.cmbench.model.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.model.scenario.ScenarioPolicies.Routing;
import org.junit.jupiter.api.Test;

class TrafficShareTest {

    static String id(long n) {
        return String.format("r%010d", n);   // the generator's request ids
    }

    @Test
    void theDrawIsUniformOverTheGeneratorsIds() {
        int n = 100_000;
        int[] deciles = new int[10];
        for (long i = 0; i < n; i++) {
            deciles[(int) (ScenarioPolicies.uniformDraw(id(i)) * 10)]++;
        }
        // each decile binomial(100000, 0.1): sd 95; 5 sd
        for (int d : deciles) {
            assertThat(d).isBetween(10_000 - 475, 10_000 + 475);
        }
    }

    @Test
    void sharesAreNestedAndKeepTheirFraction() {
        ScenarioPolicies all = ScenarioPolicies.defaults();
        ScenarioPolicies half = all.withTrafficShare(0.5);
        ScenarioPolicies fifth = all.withTrafficShare(0.2);
        int kept50 = 0;
        int kept20 = 0;
        for (long i = 0; i < 50_000; i++) {
            String id = id(i);
            assertThat(all.admits(id)).isTrue();
            if (fifth.admits(id)) {
                assertThat(half.admits(id)).as("nested: %s", id).isTrue();
                kept20++;
            }
            if (half.admits(id)) {
                kept50++;
            }
        }
        assertThat(kept50).isBetween(25_000 - 560, 25_000 + 560);
        assertThat(kept20).isBetween(10_000 - 450, 10_000 + 450);
    }

    @Test
    void theShareMustBeAFraction() {
        assertThatThrownBy(() -> new ScenarioPolicies(Routing.LEAST_LOADED, Routing.LEAST_LOADED, 0, 0))
                .hasMessageContaining("trafficShare").hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> ScenarioPolicies.defaults().withTrafficShare(Double.NaN))
                .hasMessageContaining("trafficShare");
        assertThat(ScenarioPolicies.defaults().trafficShare()).isEqualTo(1.0);
    }
}
