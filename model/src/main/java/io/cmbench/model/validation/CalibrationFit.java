package io.cmbench.model.validation;


import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

import io.cmbench.model.Calibration;

/**
 * Fits the calibration layer on calibration rows: deterministic Levenberg-Marquardt least squares on the relative
 * errors (model / published - 1), from a fixed start, with a forward-difference Jacobian. The decode parameters are
 * fitted on the decode rows first; the prefill parameter then on the prefill rows (with the decode layer in place,
 * as the model runs them together).
 */
public final class CalibrationFit {

    /** A fit that did not converge, or rows that cannot be fitted; the message names the rows. */
    public static final class FitException extends RuntimeException {
        public FitException(String message) { super(message); }
    }

    /** One row's published value beside the fitted model's. */
    public record Residual(Measurement row, double model) {
        public double relativeError() { return model / row.value() - 1; }
    }

    public record Result(Calibration calibration, List<Residual> residuals, int decodeIterations, int prefillIterations) {}

    // fixed start (the physics: no latency change, a small wait that saturates at a few tokens per die, no prefill term)
    private static final double[] DECODE_START = {1.0, 100.0, 16.0};
    private static final double[] DECODE_LOWER = {0.0, 0.0, 0.5};
    private static final double[] DECODE_UPPER = {4.0, 5000.0, 4096.0};
    private static final double[] DECODE_STEP = {1e-4, 1e-2, 1e-3};
    private static final int MAX_EVALUATIONS = 2000;

    private CalibrationFit() {}

    /** Fits on the rows marked calibration; the others are ignored. */
    public static Result fit(List<Measurement> rows) {
        List<Measurement> cal = rows.stream().filter(r -> r.role().equals(Measurement.CALIBRATION)).toList();
        List<Measurement> decode = cal.stream().filter(r -> r.quantity().isDecode()).toList();
        List<Measurement> prefill = cal.stream().filter(r -> !r.quantity().isDecode()).toList();
        for (Measurement r : cal) {
            if (r.quantity().relativeChange) throw new FitException(r.id() + ": an ablation (" + r.quantity().key + ") cannot be a calibration row");
        }
        Calibration c = new Calibration(Calibration.CALIBRATED_NAME, "fit", 1, 0, 1, 0);
        int decodeIterations = 0, prefillIterations = 0;
        if (!decode.isEmpty()) {
            Calibration base = c;
            var o = solve(decode, DECODE_START, DECODE_LOWER, DECODE_UPPER, DECODE_STEP, p -> base.withDecode(p[0], p[1], p[2]));
            c = c.withDecode(o.getPoint().getEntry(0), o.getPoint().getEntry(1), o.getPoint().getEntry(2));
            decodeIterations = o.getIterations();
        }
        if (!prefill.isEmpty()) {
            Calibration base = c;
            var o = solve(prefill, new double[] {0.0}, new double[] {-5.0}, new double[] {5.0}, new double[] {1e-4},
                    p -> base.withPrefill(p[0]));
            c = c.withPrefill(o.getPoint().getEntry(0));
            prefillIterations = o.getIterations();
        }
        List<Residual> res = new ArrayList<>();
        for (Measurement r : cal) res.add(new Residual(r, MeasurementModel.value(r, c)));
        return new Result(c, res, decodeIterations, prefillIterations);
    }

    private static LeastSquaresOptimizer.Optimum solve(List<Measurement> rows, double[] start, double[] lower, double[] upper,
                                                       double[] step, Function<double[], Calibration> layer) {
        int n = start.length;
        Function<double[], double[]> residuals = p -> {
            Calibration c = layer.apply(p);
            double[] r = new double[rows.size()];
            for (int i = 0; i < r.length; i++) r[i] = MeasurementModel.value(rows.get(i), c) / rows.get(i).value() - 1;
            return r;
        };
        MultivariateJacobianFunction f = point -> {
            double[] p = clamp(point.toArray(), lower, upper);
            double[] r0 = residuals.apply(p);
            double[][] j = new double[r0.length][n];
            for (int k = 0; k < n; k++) {
                double[] q = p.clone();
                double h = step[k] * Math.max(1, Math.abs(p[k]));
                // step inward at an upper bound so the difference stays inside the parameter's range
                if (q[k] + h > upper[k]) h = -h;
                q[k] += h;
                double[] r1 = residuals.apply(q);
                for (int i = 0; i < r0.length; i++) j[i][k] = (r1[i] - r0[i]) / h;
            }
            return new Pair<RealVector, org.apache.commons.math3.linear.RealMatrix>(new ArrayRealVector(r0), new Array2DRowRealMatrix(j, false));
        };
        var problem = new LeastSquaresBuilder()
                .start(start)
                .model(f)
                .target(new double[rows.size()])
                .parameterValidator(v -> new ArrayRealVector(clamp(v.toArray(), lower, upper)))
                .maxEvaluations(MAX_EVALUATIONS)
                .maxIterations(MAX_EVALUATIONS)
                .build();
        try {
            var o = new LevenbergMarquardtOptimizer().withCostRelativeTolerance(1e-12).withParameterRelativeTolerance(1e-10)
                    .optimize(problem);
            return new ClampedOptimum(o, clamp(o.getPoint().toArray(), lower, upper));
        } catch (TooManyEvaluationsException | TooManyIterationsException e) {
            throw new FitException("the fit on " + rows.stream().map(Measurement::id).toList() + " did not converge in "
                    + MAX_EVALUATIONS + " evaluations");
        }
    }

    private static double[] clamp(double[] p, double[] lower, double[] upper) {
        double[] q = p.clone();
        for (int i = 0; i < q.length; i++) q[i] = Math.max(lower[i], Math.min(upper[i], q[i]));
        return q;
    }

    /** An optimum whose point is clamped into the parameters' ranges. */
    private record ClampedOptimum(LeastSquaresOptimizer.Optimum inner, double[] point) implements LeastSquaresOptimizer.Optimum {
        @Override public RealVector getPoint() { return new ArrayRealVector(point); }
        @Override public int getEvaluations() { return inner.getEvaluations(); }
        @Override public int getIterations() { return inner.getIterations(); }
        @Override public org.apache.commons.math3.linear.RealMatrix getJacobian() { return inner.getJacobian(); }
        @Override public double getCost() { return inner.getCost(); }
        @Override public RealVector getResiduals() { return inner.getResiduals(); }
        @Override public double getRMS() { return inner.getRMS(); }
        @Override public org.apache.commons.math3.linear.RealMatrix getCovariances(double threshold) { return inner.getCovariances(threshold); }
        @Override public RealVector getSigma(double threshold) { return inner.getSigma(threshold); }
    }
}
