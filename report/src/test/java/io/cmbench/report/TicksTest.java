package io.cmbench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class TicksTest {

    @Test
    void picksNiceStepsAndCoversTheData() {
        Ticks t = Ticks.of(0, 1943, 6);
        assertThat(t.step()).isEqualTo(500);
        assertThat(t.values()).containsExactly(0.0, 500.0, 1000.0, 1500.0, 2000.0);
        assertThat(t.labels()).containsExactly("0", "500", "1,000", "1,500", "2,000");

        Ticks u = Ticks.of(0, 1, 6);
        assertThat(u.step()).isEqualTo(0.2);
        assertThat(u.values()).containsExactly(0.0, 0.2, 0.4, 0.6, 0.8, 1.0); // no 0.6000000000000001
        assertThat(u.labels()).containsExactly("0.0", "0.2", "0.4", "0.6", "0.8", "1.0");
    }

    @Test
    void extendsTheDomainOutwardToWholeSteps() {
        Ticks t = Ticks.of(9.81, 62.6, 8);
        assertThat(t.step()).isEqualTo(10);
        assertThat(t.lo()).isEqualTo(0);
        assertThat(t.hi()).isEqualTo(70);
        assertThat(t.lo()).isLessThanOrEqualTo(9.81);
        assertThat(t.hi()).isGreaterThanOrEqualTo(62.6);
        assertThat(t.values()).hasSizeLessThanOrEqualTo(8);
    }

    @Test
    void neverExceedsMaxTicksAndStepsAreEven() {
        double[][] ranges = {{0, 7}, {3, 3.5}, {-12, 48}, {0.001, 0.0042}, {100, 100_000}, {0, 37}, {1e6, 1.3e6}};
        for (double[] r : ranges) {
            for (int max = 3; max <= 12; max++) {
                Ticks t = Ticks.of(r[0], r[1], max);
                assertThat(t.values()).as("%s max %d", List.of(r[0], r[1]), max).hasSizeLessThanOrEqualTo(max);
                assertThat(t.values().size()).isGreaterThanOrEqualTo(2);
                assertThat(t.lo()).isLessThanOrEqualTo(r[0]);
                assertThat(t.hi()).isGreaterThanOrEqualTo(r[1]);
                for (int i = 1; i < t.values().size(); i++) {
                    assertThat(t.values().get(i) - t.values().get(i - 1)).isCloseTo(t.step(), within(t.step() * 1e-9));
                }
                double mantissa = t.step() / Math.pow(10, Math.floor(Math.log10(t.step())));
                assertThat(mantissa).isIn(1.0, 2.0, 2.5, 5.0);
            }
        }
    }

    @Test
    void flatAndReversedRanges() {
        Ticks flat = Ticks.of(0, 0, 5);
        assertThat(flat.hi()).isGreaterThan(flat.lo());
        Ticks flatPositive = Ticks.of(538, 538, 5);
        assertThat(flatPositive.lo()).isLessThan(538);
        assertThat(flatPositive.hi()).isGreaterThan(538);
        assertThat(Ticks.of(10, 0, 6).values()).isEqualTo(Ticks.of(0, 10, 6).values());
        assertThatThrownBy(() -> Ticks.of(0, Double.NaN, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ticks.of(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void logTicks() {
        Ticks t = Ticks.log(41.6, 213_254, 20);
        assertThat(t.lo()).isEqualTo(20);
        assertThat(t.hi()).isEqualTo(500_000);
        assertThat(t.values()).startsWith(20.0, 50.0, 100.0, 200.0, 500.0, 1000.0).endsWith(200_000.0, 500_000.0);
        assertThat(t.labels()).contains("20", "1,000", "500,000");
        Ticks few = Ticks.log(41.6, 213_254, 6); // 1-2-5 would be 15 ticks: only powers of ten
        assertThat(few.values()).containsExactly(10.0, 100.0, 1000.0, 10_000.0, 100_000.0, 1_000_000.0);
        Ticks small = Ticks.log(0.012, 0.9, 10);
        assertThat(small.values()).containsExactly(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0);
        assertThat(small.labels()).containsExactly("0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1");
        assertThatThrownBy(() -> Ticks.log(0, 10, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decimalsFollowTheStep() {
        assertThat(Ticks.decimals(500)).isZero();
        assertThat(Ticks.decimals(0.2)).isEqualTo(1);
        assertThat(Ticks.decimals(2.5)).isEqualTo(1);
        assertThat(Ticks.decimals(0.025)).isEqualTo(3);
    }

    @Test
    void scaleMapsDomainToPixelsLinearly() {
        Scale y = new Scale(0, 2000, 300, 20); // y axis: up is smaller pixels
        assertThat(y.apply(0)).isEqualTo(300);
        assertThat(y.apply(2000)).isEqualTo(20);
        assertThat(y.apply(1000)).isEqualTo(160);
        assertThat(y.apply(1943)).isCloseTo(27.98, within(1e-9));
        assertThat(y.clamped(5000)).isEqualTo(20);
        assertThat(y.clamped(-1)).isEqualTo(300);
        assertThatThrownBy(() -> new Scale(1, 1, 0, 100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatting() {
        assertThat(Fmt.num(1943.0, 0)).isEqualTo("1,943");
        assertThat(Fmt.num(-0.0001, 1)).isEqualTo("0.0");
        assertThat(Fmt.num(Double.NaN, 1)).isEqualTo("–");
        assertThat(Fmt.auto(538.4)).isEqualTo("538");
        assertThat(Fmt.auto(49.44)).isEqualTo("49.4");
        assertThat(Fmt.auto(1.234)).isEqualTo("1.23");
        assertThat(Fmt.auto(8.0)).isEqualTo("8");
        assertThat(Fmt.latencyPair(46.1, 124)).containsExactly("46.1 / 124", "ms");
        assertThat(Fmt.latencyPair(111_280, 210_895)).containsExactly("111 / 211", "s");
        assertThat(Fmt.pct(0.9274)).isEqualTo("92.7 %");
        assertThat(Fmt.px(12.3456)).isEqualTo("12.35");
        assertThat(Fmt.px(12.0)).isEqualTo("12");
        assertThatThrownBy(() -> Fmt.px(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Fmt.esc("<a href=\"x\">'&'</a>")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}
