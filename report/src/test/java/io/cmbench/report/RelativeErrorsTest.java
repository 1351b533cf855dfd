package io.cmbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelativeErrorsTest {

    static RunData.ScenarioSummary summary(double output, double goodput15, double ttftP50, double tpotP99) {
        RunData.SloCell cell = new RunData.SloCell("tpot15", 15_000, -1, 1, 1, goodput15, 0.5);
        return new RunData.ScenarioSummary("s", 4, 4, 3, 3, 0, 30_000_000, 10, 100, output, null, Map.of("tpot15", cell),
                new RunData.Latency(10, ttftP50, 2 * ttftP50, 3 * ttftP50, 0, 0), new RunData.Latency(10, 10, 12, tpotP99, 0, 0),
                RunData.Latency.empty(), 0, 0, null, List.of());
    }

    @Test
    void eachHeadlineFigureWithTheEmulationsRelativeError() {
        List<RelativeErrors.Row> rows = RelativeErrors.rows(summary(100, 50, 200, 20), summary(125, 0, 150, 20),
                List.of("tpot15", "tpot50"));
        assertThat(rows).extracting(RelativeErrors.Row::figure).containsExactly("output", "goodput @tpot15", "TTFT p50",
                "TTFT p90", "TTFT p99", "TPOT p50", "TPOT p90", "TPOT p99");
        assertThat(rows.get(0).relativeError()).isEqualTo(0.25);
        assertThat(rows.get(1).relativeError()).isEqualTo(-1.0);
        assertThat(rows.get(2).relativeError()).isEqualTo(-0.25);
        assertThat(rows.get(2).unit()).isEqualTo("ms");
        assertThat(rows.get(7).relativeError()).isZero();
        assertThat(RelativeErrors.format(0.25)).isEqualTo("+25.0 %");
        assertThat(RelativeErrors.format(-1.0)).isEqualTo("−100.0 %");
        assertThat(RelativeErrors.format(0.0)).isEqualTo("0.0 %");
        assertThat(RelativeErrors.format(-0.0001)).isEqualTo("0.0 %");
    }

    @Test
    void anErrorAgainstNothingMeasuredIsUndefined() {
        RelativeErrors.Row r = RelativeErrors.rows(summary(100, 0, 200, 20), summary(100, 40, 200, 20), List.of("tpot15"))
                .get(1);
        assertThat(r.relativeError()).isNaN();
        assertThat(RelativeErrors.format(r.relativeError())).isEqualTo("–");
    }
}
