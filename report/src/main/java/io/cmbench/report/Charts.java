package io.cmbench.report;

import static io.cmbench.report.Fmt.esc;
import static io.cmbench.report.Fmt.px;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

/**
 * Inline SVG charts (no script, no external resource). Every chart is an {@code <svg class="chart">}
 * whose {@code data-points} attribute is the number of plotted data points, each drawn as an element of
 * class {@code pt} (a marker or a bar); reference annotations are drawn apart, with class {@code ref}.
 */
final class Charts {
    private Charts() {}

    /** Colour-blind-safe palette (Okabe–Ito, reordered), for scenarios and SLOs. */
    static final String[] PALETTE = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D31",
        "#000000"};

    static String color(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    record Point(double x, double y, String tip) {}

    /** A data series; {@code line} joins the points, {@code markerRadius} 0 draws no visible marker. */
    record Series(String name, String color, List<Point> points, boolean line, boolean dashed, double markerRadius) {}

    /** A labelled reference marker (e.g. a published result) — not data. */
    record RefPoint(double x, double y, String label) {}

    /** A labelled horizontal reference line — not data. */
    record RefLine(double y, String label) {}

    /** A shaded x-range (e.g. warm-up and drain windows outside the steady state). */
    record Band(double x0, double x1, String label) {}

    private static final int FONT = 12;

    /** Line/scatter chart with axes, ticks, axis labels, a legend and optional annotations. */
    static final class XY {
        String id;
        String ariaLabel = "";
        String xLabel = "";
        String yLabel = "";
        int width = 560;
        int height = 300;
        double yMinFloor = 0; // y axis starts at 0 unless data go below
        Double yMaxFixed;
        Double xMinFixed;
        Double xMaxFixed;
        boolean yPercent;
        /** Logarithmic x axis (all x values must be positive). */
        boolean xLog;
        DoubleFunction<String> xTickFormat;
        final List<Series> series = new ArrayList<>();
        final List<RefPoint> refPoints = new ArrayList<>();
        final List<RefLine> refLines = new ArrayList<>();
        final List<Band> bands = new ArrayList<>();

        XY(String id) {
            this.id = id;
        }

        int dataPoints() {
            return series.stream().mapToInt(s -> s.points().size()).sum();
        }

        String render() {
            int n = dataPoints();
            // legend: entries flow left to right, wrapping
            List<String> legendItems = new ArrayList<>();
            series.forEach(s -> legendItems.add(s.name()));
            int legendRows = legendRows(legendItems, width - 70);
            int top = 12 + legendRows * 18;
            int left = 62;
            int right = 26;
            int bottom = 46;
            int plotW = width - left - right;
            int plotH = height - top - bottom;

            double xmin = Double.POSITIVE_INFINITY;
            double xmax = Double.NEGATIVE_INFINITY;
            double ymin = yMinFloor;
            double ymax = Double.NEGATIVE_INFINITY;
            for (Series s : series) {
                for (Point p : s.points()) {
                    xmin = Math.min(xmin, p.x());
                    xmax = Math.max(xmax, p.x());
                    ymin = Math.min(ymin, p.y());
                    ymax = Math.max(ymax, p.y());
                }
            }
            for (RefPoint r : refPoints) {
                xmin = Math.min(xmin, r.x());
                xmax = Math.max(xmax, r.x());
                ymax = Math.max(ymax, r.y());
            }
            for (RefLine r : refLines) {
                ymax = Math.max(ymax, r.y());
            }
            for (Band b : bands) {
                xmin = Math.min(xmin, b.x0());
                xmax = Math.max(xmax, b.x1());
            }
            if (xMinFixed != null) {
                xmin = xMinFixed;
            }
            if (xMaxFixed != null) {
                xmax = xMaxFixed;
            }
            if (!Double.isFinite(xmin)) {
                xmin = 0;
                xmax = 1;
            }
            if (!Double.isFinite(ymax) || ymax <= ymin) {
                ymax = ymin + 1;
            }
            if (yMaxFixed != null) {
                ymax = yMaxFixed;
            }
            Ticks xt = xLog ? Ticks.log(xmin, xmax, Math.max(3, plotW / 45)) : Ticks.of(xmin, xmax, Math.max(3, plotW / 70));
            Ticks yt = Ticks.of(ymin, ymax, Math.max(3, plotH / 45));
            Scale lin = xLog ? new Scale(Math.log10(xt.lo()), Math.log10(xt.hi()), left, left + plotW)
                    : new Scale(xt.lo(), xt.hi(), left, left + plotW);
            boolean log = xLog;
            java.util.function.DoubleUnaryOperator fx = v -> lin.apply(log ? Math.log10(v) : v);
            java.util.function.DoubleUnaryOperator fxClamped =
                    v -> Math.max(left, Math.min(left + plotW, fx.applyAsDouble(v)));
            Scale sy = new Scale(yt.lo(), yt.hi(), top + plotH, top);

            StringBuilder b = new StringBuilder();
            open(b, id, width, height, n, ariaLabel);
            // bands
            for (Band band : bands) {
                double x0 = fxClamped.applyAsDouble(band.x0());
                double x1 = fxClamped.applyAsDouble(band.x1());
                if (x1 - x0 < 0.5) {
                    continue;
                }
                b.append("<rect class=\"band\" x=\"").append(px(x0)).append("\" y=\"").append(top).append("\" width=\"")
                        .append(px(x1 - x0)).append("\" height=\"").append(plotH).append("\"/>");
                b.append("<text class=\"band-label\" x=\"").append(px((x0 + x1) / 2)).append("\" y=\"").append(top + 12)
                        .append("\" text-anchor=\"middle\">").append(esc(band.label())).append("</text>");
            }
            // grid and axes
            List<String> yl = yt.labels();
            for (int i = 0; i < yt.values().size(); i++) {
                double y = sy.apply(yt.values().get(i));
                b.append("<line class=\"grid\" x1=\"").append(left).append("\" x2=\"").append(left + plotW)
                        .append("\" y1=\"").append(px(y)).append("\" y2=\"").append(px(y)).append("\"/>");
                String label = yPercent ? Fmt.num(yt.values().get(i) * 100, Math.max(0, Ticks.decimals(yt.step() * 100))) + "%"
                        : yl.get(i);
                b.append("<text class=\"tick\" x=\"").append(left - 6).append("\" y=\"").append(px(y + 4))
                        .append("\" text-anchor=\"end\">").append(esc(label)).append("</text>");
            }
            List<String> xl = xt.labels();
            for (int i = 0; i < xt.values().size(); i++) {
                double x = fx.applyAsDouble(xt.values().get(i));
                b.append("<line class=\"tickmark\" x1=\"").append(px(x)).append("\" x2=\"").append(px(x))
                        .append("\" y1=\"").append(top + plotH).append("\" y2=\"").append(top + plotH + 5).append("\"/>");
                String label = xTickFormat != null ? xTickFormat.apply(xt.values().get(i)) : xl.get(i);
                b.append("<text class=\"tick\" x=\"").append(px(x)).append("\" y=\"").append(top + plotH + 18)
                        .append("\" text-anchor=\"middle\">").append(esc(label)).append("</text>");
            }
            b.append("<line class=\"axis\" x1=\"").append(left).append("\" x2=\"").append(left + plotW).append("\" y1=\"")
                    .append(top + plotH).append("\" y2=\"").append(top + plotH).append("\"/>");
            b.append("<line class=\"axis\" x1=\"").append(left).append("\" x2=\"").append(left).append("\" y1=\"")
                    .append(top).append("\" y2=\"").append(top + plotH).append("\"/>");
            b.append("<text class=\"axis-label\" x=\"").append(px(left + plotW / 2.0)).append("\" y=\"").append(height - 8)
                    .append("\" text-anchor=\"middle\">").append(esc(xLabel)).append("</text>");
            b.append("<text class=\"axis-label\" transform=\"translate(14,").append(px(top + plotH / 2.0))
                    .append(") rotate(-90)\" text-anchor=\"middle\">").append(esc(yLabel)).append("</text>");
            // reference lines
            for (RefLine r : refLines) {
                double y = sy.apply(r.y());
                b.append("<g class=\"ref\"><line class=\"ref-line\" x1=\"").append(left).append("\" x2=\"").append(left + plotW)
                        .append("\" y1=\"").append(px(y)).append("\" y2=\"").append(px(y)).append("\"/>");
                b.append("<text class=\"ref-label\" x=\"").append(left + plotW - 4).append("\" y=\"").append(px(y - 5))
                        .append("\" text-anchor=\"end\">").append(esc(r.label())).append("</text></g>");
            }
            // series
            for (Series s : series) {
                if (s.line() && s.points().size() > 1) {
                    b.append("<polyline class=\"series-line\" fill=\"none\" stroke=\"").append(esc(s.color()))
                            .append("\" stroke-width=\"2\"");
                    if (s.dashed()) {
                        b.append(" stroke-dasharray=\"6 4\"");
                    }
                    b.append(" points=\"");
                    for (Point p : s.points()) {
                        b.append(px(fx.applyAsDouble(p.x()))).append(',').append(px(sy.apply(p.y()))).append(' ');
                    }
                    b.setLength(b.length() - 1);
                    b.append("\"/>");
                }
                for (Point p : s.points()) {
                    double r = s.markerRadius() > 0 ? s.markerRadius() : 1.2;
                    b.append("<circle class=\"pt\" cx=\"").append(px(fx.applyAsDouble(p.x()))).append("\" cy=\"")
                            .append(px(sy.apply(p.y()))).append("\" r=\"").append(px(r)).append("\" fill=\"")
                            .append(esc(s.color())).append('"');
                    if (s.markerRadius() <= 0) {
                        b.append(" fill-opacity=\"0.6\"");
                    }
                    b.append("><title>").append(esc(p.tip())).append("</title></circle>");
                }
            }
            // reference points: a black diamond with a label
            for (RefPoint r : refPoints) {
                double x = fx.applyAsDouble(r.x());
                double y = sy.apply(r.y());
                b.append("<g class=\"ref\"><path class=\"ref-marker\" d=\"M").append(px(x)).append(' ').append(px(y - 7))
                        .append(" L").append(px(x + 7)).append(' ').append(px(y)).append(" L").append(px(x)).append(' ')
                        .append(px(y + 7)).append(" L").append(px(x - 7)).append(' ').append(px(y)).append(" Z\"><title>")
                        .append(esc(r.label())).append("</title></path>");
                boolean leftSide = x > left + plotW * 0.6;
                b.append("<text class=\"ref-label\" x=\"").append(px(leftSide ? x - 11 : x + 11)).append("\" y=\"")
                        .append(px(Math.max(top + 10, y - 9))).append("\" text-anchor=\"").append(leftSide ? "end" : "start")
                        .append("\">").append(esc(r.label())).append("</text></g>");
            }
            legend(b, series, left, width - 70);
            b.append("</svg>");
            return b.toString();
        }
    }

    /** Vertical bars over a continuous x axis (a histogram): one {@code pt} rect per bin. */
    static String bars(String id, String aria, List<Histograms.Bin> bins, String color, String xLabel, String yLabel,
                       int width, int height, DoubleFunction<String> tip) {
        return bars(id, aria, bins, color, xLabel, yLabel, width, height, tip, null);
    }

    /** As above, with an optional labelled horizontal reference line (e.g. the mean). */
    static String bars(String id, String aria, List<Histograms.Bin> bins, String color, String xLabel, String yLabel,
                       int width, int height, DoubleFunction<String> tip, RefLine ref) {
        int left = 62;
        int right = 26;
        int top = 14;
        int bottom = 46;
        int plotW = width - left - right;
        int plotH = height - top - bottom;
        double lo = bins.isEmpty() ? 0 : bins.get(0).lo();
        double hi = bins.isEmpty() ? 1 : bins.get(bins.size() - 1).hi();
        double max = bins.stream().mapToLong(Histograms.Bin::count).max().orElse(1);
        if (ref != null) {
            max = Math.max(max, ref.y());
        }
        Ticks xt = Ticks.of(lo, hi, Math.max(3, plotW / 70));
        Ticks yt = Ticks.of(0, Math.max(1, max), Math.max(3, plotH / 40));
        // integer counts: no fractional y ticks
        if (yt.step() < 1) {
            yt = Ticks.of(0, Math.max(2, max), 3);
        }
        Scale sx = new Scale(xt.lo(), xt.hi(), left, left + plotW);
        Scale sy = new Scale(yt.lo(), yt.hi(), top + plotH, top);
        StringBuilder b = new StringBuilder();
        open(b, id, width, height, bins.size(), aria);
        List<String> yl = yt.labels();
        for (int i = 0; i < yt.values().size(); i++) {
            double y = sy.apply(yt.values().get(i));
            b.append("<line class=\"grid\" x1=\"").append(left).append("\" x2=\"").append(left + plotW).append("\" y1=\"")
                    .append(px(y)).append("\" y2=\"").append(px(y)).append("\"/>");
            b.append("<text class=\"tick\" x=\"").append(left - 6).append("\" y=\"").append(px(y + 4))
                    .append("\" text-anchor=\"end\">").append(esc(yl.get(i))).append("</text>");
        }
        List<String> xl = xt.labels();
        for (int i = 0; i < xt.values().size(); i++) {
            double x = sx.apply(xt.values().get(i));
            b.append("<line class=\"tickmark\" x1=\"").append(px(x)).append("\" x2=\"").append(px(x)).append("\" y1=\"")
                    .append(top + plotH).append("\" y2=\"").append(top + plotH + 5).append("\"/>");
            b.append("<text class=\"tick\" x=\"").append(px(x)).append("\" y=\"").append(top + plotH + 18)
                    .append("\" text-anchor=\"middle\">").append(esc(xl.get(i))).append("</text>");
        }
        for (Histograms.Bin bin : bins) {
            double x0 = sx.apply(bin.lo());
            double x1 = sx.apply(bin.hi());
            double y = sy.apply(bin.count());
            double w = Math.max(1, x1 - x0 - 1);
            b.append("<rect class=\"pt\" x=\"").append(px(x0 + 0.5)).append("\" y=\"").append(px(y)).append("\" width=\"")
                    .append(px(w)).append("\" height=\"").append(px(Math.max(0, top + plotH - y))).append("\" fill=\"")
                    .append(esc(color)).append("\"><title>").append(esc(tip.apply(bin.lo())))
                    .append(": ").append(bin.count()).append("</title></rect>");
        }
        if (ref != null) {
            double y = sy.apply(ref.y());
            b.append("<g class=\"ref\"><line class=\"ref-line\" x1=\"").append(left).append("\" x2=\"").append(left + plotW)
                    .append("\" y1=\"").append(px(y)).append("\" y2=\"").append(px(y)).append("\"/>");
            b.append("<text class=\"ref-label\" x=\"").append(left + plotW - 4).append("\" y=\"").append(px(y - 5))
                    .append("\" text-anchor=\"end\">").append(esc(ref.label())).append("</text></g>");
        }
        b.append("<line class=\"axis\" x1=\"").append(left).append("\" x2=\"").append(left + plotW).append("\" y1=\"")
                .append(top + plotH).append("\" y2=\"").append(top + plotH).append("\"/>");
        b.append("<line class=\"axis\" x1=\"").append(left).append("\" x2=\"").append(left).append("\" y1=\"").append(top)
                .append("\" y2=\"").append(top + plotH).append("\"/>");
        b.append("<text class=\"axis-label\" x=\"").append(px(left + plotW / 2.0)).append("\" y=\"").append(height - 8)
                .append("\" text-anchor=\"middle\">").append(esc(xLabel)).append("</text>");
        b.append("<text class=\"axis-label\" transform=\"translate(14,").append(px(top + plotH / 2.0))
                .append(") rotate(-90)\" text-anchor=\"middle\">").append(esc(yLabel)).append("</text>");
        b.append("</svg>");
        return b.toString();
    }

    /** Horizontal bars, one per category, largest first as given; value labels at the bar ends. */
    static String hbars(String id, String aria, List<String> names, List<Double> values, String color, String xLabel,
                        int width, DoubleFunction<String> valueLabel) {
        int rowH = 20;
        int labelW = Math.min(210, 12 + names.stream().mapToInt(String::length).max().orElse(4) * 7);
        int left = labelW + 8;
        int right = 70;
        int top = 8;
        int bottom = 44;
        int height = top + bottom + rowH * Math.max(1, names.size());
        int plotW = width - left - right;
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        Ticks xt = Ticks.of(0, max > 0 ? max : 1, Math.max(3, plotW / 80));
        Scale sx = new Scale(xt.lo(), xt.hi(), left, left + plotW);
        StringBuilder b = new StringBuilder();
        open(b, id, width, height, names.size(), aria);
        List<String> xl = xt.labels();
        int plotBottom = top + rowH * names.size();
        for (int i = 0; i < xt.values().size(); i++) {
            double x = sx.apply(xt.values().get(i));
            b.append("<line class=\"grid\" x1=\"").append(px(x)).append("\" x2=\"").append(px(x)).append("\" y1=\"")
                    .append(top).append("\" y2=\"").append(plotBottom).append("\"/>");
            b.append("<text class=\"tick\" x=\"").append(px(x)).append("\" y=\"").append(plotBottom + 18)
                    .append("\" text-anchor=\"middle\">").append(esc(xl.get(i))).append("</text>");
        }
        for (int i = 0; i < names.size(); i++) {
            double y = top + i * rowH;
            double v = values.get(i);
            double w = Math.max(0, sx.apply(v) - left);
            b.append("<text class=\"tick\" x=\"").append(left - 6).append("\" y=\"").append(px(y + rowH * 0.68))
                    .append("\" text-anchor=\"end\">").append(esc(names.get(i))).append("</text>");
            b.append("<rect class=\"pt\" x=\"").append(left).append("\" y=\"").append(px(y + 3)).append("\" width=\"")
                    .append(px(Math.max(1, w))).append("\" height=\"").append(rowH - 6).append("\" fill=\"").append(esc(color))
                    .append("\"><title>").append(esc(names.get(i) + ": " + valueLabel.apply(v))).append("</title></rect>");
            b.append("<text class=\"value\" x=\"").append(px(left + Math.max(1, w) + 4)).append("\" y=\"")
                    .append(px(y + rowH * 0.68)).append("\">").append(esc(valueLabel.apply(v))).append("</text>");
        }
        b.append("<line class=\"axis\" x1=\"").append(left).append("\" x2=\"").append(left).append("\" y1=\"").append(top)
                .append("\" y2=\"").append(plotBottom).append("\"/>");
        b.append("<text class=\"axis-label\" x=\"").append(px(left + plotW / 2.0)).append("\" y=\"").append(height - 8)
                .append("\" text-anchor=\"middle\">").append(esc(xLabel)).append("</text>");
        b.append("</svg>");
        return b.toString();
    }

    private static void open(StringBuilder b, String id, int width, int height, int points, String aria) {
        b.append("<svg class=\"chart\" id=\"").append(esc(id)).append("\" data-points=\"").append(points)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"").append(esc(aria)).append("\">");
    }

    private static int textWidth(String s) {
        return (int) Math.ceil(s.length() * FONT * 0.6);
    }

    private static int legendRows(List<String> items, int maxW) {
        if (items.isEmpty()) {
            return 0;
        }
        int rows = 1;
        int x = 0;
        for (String s : items) {
            int w = 22 + textWidth(s) + 14;
            if (x > 0 && x + w > maxW) {
                rows++;
                x = 0;
            }
            x += w;
        }
        return rows;
    }

    private static void legend(StringBuilder b, List<Series> series, int left, int maxW) {
        int x = 0;
        int row = 0;
        b.append("<g class=\"legend\">");
        for (Series s : series) {
            int w = 22 + textWidth(s.name()) + 14;
            if (x > 0 && x + w > maxW) {
                row++;
                x = 0;
            }
            int y = 12 + row * 18;
            b.append("<line x1=\"").append(left + x).append("\" x2=\"").append(left + x + 16).append("\" y1=\"").append(y - 4)
                    .append("\" y2=\"").append(y - 4).append("\" stroke=\"").append(esc(s.color()))
                    .append("\" stroke-width=\"").append(s.line() ? 2 : 0).append('"');
            if (s.dashed()) {
                b.append(" stroke-dasharray=\"5 3\"");
            }
            b.append("/>");
            b.append("<circle cx=\"").append(left + x + 8).append("\" cy=\"").append(y - 4).append("\" r=\"3\" fill=\"")
                    .append(esc(s.color())).append("\"/>");
            b.append("<text x=\"").append(left + x + 22).append("\" y=\"").append(y).append("\">").append(esc(s.name()))
                    .append("</text>");
            x += w;
        }
        b.append("</g>");
    }
}
