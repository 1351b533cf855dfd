package io.cmbench.model.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.cmbench.model.Calibration;
import io.cmbench.model.Calibrations;

/**
 * The calibrated variant judged: its parameters, the fit's residuals on the calibration rows, the leave-one-out error
 * of each calibration row (refit without it), and every validation row for both variants side by side. The first
 * part of docs/VALIDATION.md.
 */
public final class CalibrationReport {
    private CalibrationReport() {}

    /** A row's value on both variants; error = model / published - 1 (for a published range: distance to the range). */
    public record Compared(Measurement row, double physics, double calibrated) {
        public double physicsError() { return errorOf(row, physics); }
        public double calibratedError() { return errorOf(row, calibrated); }
    }

    /** A calibration row predicted by a fit that did not see it. */
    public record LeaveOneOut(Measurement row, Calibration refit, double model) {
        public double error() { return errorOf(row, model); }
    }

    static double errorOf(Measurement r, double model) {
        if (r.quantity().relativeChange) {
            // an ablation: the difference of relative changes, zero inside a published range
            double hi = Double.isNaN(r.valueHigh()) ? r.value() : r.valueHigh();
            return model < r.value() ? model - r.value() : model > hi ? model - hi : 0;
        }
        return model / r.value() - 1;
    }

    public static List<Compared> compare(List<Measurement> rows, String role) {
        List<Compared> out = new ArrayList<>();
        for (Measurement r : rows) {
            if (!r.role().equals(role)) continue;
            out.add(new Compared(r, MeasurementModel.value(r, MeasurementModel.model(r, Calibration.PHYSICS_NAME)),
                    MeasurementModel.value(r, MeasurementModel.model(r, Calibration.CALIBRATED_NAME))));
        }
        return out;
    }

    public static List<LeaveOneOut> leaveOneOut(List<Measurement> rows) {
        List<LeaveOneOut> out = new ArrayList<>();
        for (Measurement held : rows) {
            if (!held.role().equals(Measurement.CALIBRATION)) continue;
            List<Measurement> rest = rows.stream().filter(r -> r != held).toList();
            Calibration refit = CalibrationFit.fit(rest).calibration();
            out.add(new LeaveOneOut(held, refit, MeasurementModel.value(held, refit)));
        }
        return out;
    }

    /** Median and largest absolute error over rows of absolute quantities (ablations are listed apart). */
    public record Summary(int rows, double medianAbs, double maxAbs, String maxRow) {}

    public static Summary summary(List<Compared> rows, boolean calibrated) {
        List<Compared> abs = rows.stream().filter(c -> !c.row().quantity().relativeChange).toList();
        double[] e = abs.stream().mapToDouble(c -> Math.abs(calibrated ? c.calibratedError() : c.physicsError())).sorted().toArray();
        if (e.length == 0) return new Summary(0, Double.NaN, Double.NaN, "");
        double median = e.length % 2 == 1 ? e[e.length / 2] : (e[e.length / 2 - 1] + e[e.length / 2]) / 2;
        Compared worst = abs.get(0);
        for (Compared c : abs) {
            if (Math.abs(calibrated ? c.calibratedError() : c.physicsError()) > Math.abs(calibrated ? worst.calibratedError() : worst.physicsError())) worst = c;
        }
        return new Summary(e.length, median, e[e.length - 1], worst.row().id());
    }

    static String pct(double e) {
        return String.format(Locale.ROOT, "%+.1f %%", 100 * e);
    }

    static String val(Measurement r, double v) {
        if (r.quantity().relativeChange) return String.format(Locale.ROOT, "%+.1f %%", 100 * v);
        if (Math.abs(v) >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String published(Measurement r) {
        if (!Double.isNaN(r.valueHigh())) return val(r, r.value()) + " to " + val(r, r.valueHigh());
        return val(r, r.value());
    }

    static String quantity(Measurement r) {
        return r.quantity().label + (r.quantity().unit.isEmpty() ? "" : " (" + r.quantity().unit + ")");
    }

    /** Appends the section for one profile's shipped measurements. */
    public static void appendTo(StringBuilder sb, String profile) {
        List<Measurement> rows = Measurements.forProfile(profile);
        Calibration cal = Calibrations.forProfile(profile, Calibration.CALIBRATED_NAME);
        if (cal.isIdentity()) {
            appendUncalibrated(sb, profile, rows);
            return;
        }
        sb.append("## The calibrated model (the default), profile ").append(profile).append("\n\n");
        sb.append("Fitted by `./cmbench model calibrate --profile ").append(profile).append("` on the rows marked calibration in `")
                .append(Measurements.resourcePath(profile)).append("` (written to `").append(Calibrations.resourcePath(profile))
                .append("`); every other row is judged, never fitted. The layer and the reading of its parameters: docs/MODEL.md,\n")
                .append("\"The calibration layer\". `--calibration physics` runs the model without it.\n\n");
        sb.append("| parameter | value | meaning |\n|---|---:|---|\n");
        sb.append(String.format(Locale.ROOT, "| `ep_latency_scale` | %.4g | dispatch/combine fixed latency relative to the isolated benchmark's alpha |%n", cal.epLatencyScale()));
        sb.append(String.format(Locale.ROOT, "| `sync_wait_us` | %.4g | wait for the slowest die per MoE layer once saturated, us |%n", cal.syncWaitMicros()));
        sb.append(String.format(Locale.ROOT, "| `sync_half_tokens_per_die` | %.4g | query tokens per die at which that wait is half of it |%n", cal.syncHalfTokensPerDie()));
        sb.append(String.format(Locale.ROOT, "| `prefill_compute_us_per_token` | %.4g | prefill compute per prompt token per die per layer beyond the operator benchmarks, us |%n%n", cal.prefillComputeMicrosPerToken()));

        sb.append("### Calibration rows (the fit's residuals)\n\n");
        sb.append("| row | conditions | quantity | published | physics | error | calibrated | error |\n|---|---|---|---:|---:|---:|---:|---:|\n");
        for (Compared c : compare(rows, Measurement.CALIBRATION)) appendCompared(sb, c);

        sb.append("\n### Leave-one-out (each calibration row predicted by a fit without it)\n\n");
        sb.append("With three decode parameters on three decode rows the fit passes through all of them, so the residuals above\n");
        sb.append("check nothing; this table is the check. A refit on two decode rows starts from the same point as the full fit\n");
        sb.append("and stops at the solution nearest to it; without the prefill row the prefill parameter is 0 (physics).\n\n");
        sb.append("| held-out row | published | predicted | error | refit: latency scale, wait us, half tokens, prefill us |\n|---|---:|---:|---:|---|\n");
        for (LeaveOneOut l : leaveOneOut(rows)) {
            Calibration r = l.refit();
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.3g, %.3g, %.3g, %.3g |%n", l.row().id(), published(l.row()),
                    val(l.row(), l.model()), pct(l.error()), r.epLatencyScale(), r.syncWaitMicros(), r.syncHalfTokensPerDie(),
                    r.prefillComputeMicrosPerToken()));
        }

        appendValidation(sb, rows);
        appendRoutingChange(sb, rows);
    }

    /**
     * What the stochastic expert routing (ExpertLoad) changed in the physics variant: each row with every rank at its
     * mean share (the physics before that change) beside the deployment's own stochastic routing.
     */
    private static void appendRoutingChange(StringBuilder sb, List<Measurement> rows) {
        sb.append("\n### What the stochastic expert routing changes in the physics variant\n\n");
        sb.append("The physics variant used to give every expert-parallel rank exactly its mean share of the routed tokens;\n");
        sb.append("it now draws each token's top-8 (`ExpertLoad`, docs/MODEL.md) and lets the busiest die set the MoE stream.\n");
        sb.append("Rows measured under perfect balance keep the mean share.\n\n");
        sb.append("| row | quantity | published | physics, mean share (before) | physics, stochastic (now) | change |\n|---|---|---:|---:|---:|---:|\n");
        for (Measurement r : rows) {
            if (r.role().equals(Measurement.CONTEXT)) continue;
            io.cmbench.model.RooflineCostModel now = MeasurementModel.model(r, Calibration.PHYSICS_NAME);
            double after = MeasurementModel.value(r, now);
            double before = MeasurementModel.value(r, now.withDeployment(now.deployment().withBalancedRouting()));
            String change = r.quantity().relativeChange ? String.format(Locale.ROOT, "%+.1f pt", 100 * (after - before))
                    : pct(after / before - 1);
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", r.id(), quantity(r), published(r),
                    val(r, before), val(r, after), change));
        }
        sb.append('\n');
    }

    /** A profile without a calibration file: its calibrated variant is the physics; its rows judge that. */
    private static void appendUncalibrated(StringBuilder sb, String profile, List<Measurement> rows) {
        sb.append("## Profile ").append(profile).append(": no calibration (both variants are the physics)\n\n");
        sb.append("`").append(Calibrations.resourcePath(profile)).append("` does not exist, so `--calibration calibrated` runs the\n");
        sb.append("physics and says so. The calibration layer describes CloudMatrix-Infer's software on Ascend; borrowing it for\n");
        sb.append("another stack would carry that software's waits to hardware that does not run it, and the profile's own few\n");
        sb.append("published rows judge its physics instead of being spent on a fit (`").append(Measurements.resourcePath(profile))
                .append("`).\n");
        appendValidation(sb, rows);
        appendRoutingChange(sb, rows);
    }

    private static void appendValidation(StringBuilder sb, List<Measurement> rows) {
        List<Compared> val = compare(rows, Measurement.VALIDATION);
        sb.append("\n### Validation rows (never fitted), both variants\n\n");
        sb.append("| row | conditions | quantity | published | physics | error | calibrated | error |\n|---|---|---|---:|---:|---:|---:|---:|\n");
        for (Compared c : val) {
            if (!c.row().quantity().relativeChange) appendCompared(sb, c);
        }
        Summary sc = summary(val, true), sp = summary(val, false);
        sb.append(String.format(Locale.ROOT, "%nOver these %d rows: calibrated median |error| %.1f %%, largest %.1f %% (%s); physics median %.1f %%, largest %.1f %% (%s).%n",
                sc.rows(), 100 * sc.medianAbs(), 100 * sc.maxAbs(), sc.maxRow(), 100 * sp.medianAbs(), 100 * sp.maxAbs(), sp.maxRow()));
        if (val.stream().anyMatch(c -> c.row().quantity().relativeChange)) {
            sb.append("\nAblations (relative changes; error = distance to the published value or range, in points):\n\n");
            sb.append("| row | conditions | quantity | published | physics | error | calibrated | error |\n|---|---|---|---:|---:|---:|---:|---:|\n");
            for (Compared c : val) {
                if (c.row().quantity().relativeChange) appendCompared(sb, c);
            }
        }
        List<Compared> misses = val.stream().filter(c -> !c.row().quantity().relativeChange && Math.abs(c.calibratedError()) > 0.05).toList();
        if (!misses.isEmpty()) {
            sb.append("\nRows the calibrated variant misses by more than 5 %, and what the model lacks for them:\n\n");
            for (Compared c : misses) {
                sb.append("- `").append(c.row().id()).append("` (").append(pct(c.calibratedError())).append("): ")
                        .append(c.row().missing().isEmpty() ? "not diagnosed" : c.row().missing()).append('\n');
            }
        }
        sb.append("\nSources of the rows:\n\n");
        for (Measurement r : rows) sb.append("- `").append(r.id()).append("` (").append(r.deployment()).append("): ").append(r.source()).append('\n');
        sb.append('\n');
    }

    private static void appendCompared(StringBuilder sb, Compared c) {
        Measurement r = c.row();
        String unit = r.quantity().relativeChange ? " pt" : "";
        sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", r.id(), r.conditions().describe(), quantity(r),
                published(r), val(r, c.physics()), pts(c.physicsError(), r) + unit, val(r, c.calibrated()), pts(c.calibratedError(), r) + unit));
    }

    private static String pts(double e, Measurement r) {
        return r.quantity().relativeChange ? String.format(Locale.ROOT, "%+.1f", 100 * e) : pct(e);
    }
}
