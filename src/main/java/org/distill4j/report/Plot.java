package org.distill4j.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.distill4j.run.AtomicFiles;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.LogTick;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.ui.VerticalAlignment;
import org.jfree.data.Range;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A scatter/line chart drawn by JFreeChart into a PNG: series of points (markers, lines or both), a linear or log-10
 * x axis, optional dashed horizontal or vertical reference lines that the axes always include, and a legend.
 */
public final class Plot {
    /** Ten distinguishable colours (matplotlib's tab10). */
    public static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};
    public static final Color GREY = new Color(0xb0b0b0);

    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Color REF_COLOR = new Color(0x555555);

    /** One series; {@code markerSize} 0 draws no markers, {@code line} joins the points in order. */
    public record Series(String name, double[] x, double[] y, Color color, double markerSize, boolean line,
            boolean filled) {
    }

    private record Ref(boolean vertical, double at, String label) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private boolean logX;
    private final List<Series> series = new ArrayList<>();
    private final List<Ref> refs = new ArrayList<>();

    public Plot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public Plot logX(boolean on) {
        this.logX = on;
        return this;
    }

    public Plot add(Series s) {
        if (s.x().length != s.y().length) {
            throw new IllegalArgumentException(
                    "series " + s.name() + ": " + s.x().length + " x values, " + s.y().length + " y values");
        }
        series.add(s);
        return this;
    }

    public Plot points(String name, double[] x, double[] y, Color c) {
        return add(new Series(name, x, y, c, 7, false, true));
    }

    public Plot line(String name, double[] x, double[] y, Color c) {
        return add(new Series(name, x, y, c, 0, true, true));
    }

    public Plot lineWithPoints(String name, double[] x, double[] y, Color c) {
        return add(new Series(name, x, y, c, 6, true, true));
    }

    /** A dashed reference line at {@code x = at}. */
    public Plot vertical(double at, String label) {
        refs.add(new Ref(true, at, label));
        return this;
    }

    /** A dashed reference line at {@code y = at}. */
    public Plot horizontal(double at, String label) {
        refs.add(new Ref(false, at, label));
        return this;
    }

    public void writePng(Path file, int width, int height) throws IOException {
        BufferedImage img = image(width, height);
        AtomicFiles.write(file, tmp -> ImageIO.write(img, "png", tmp.toFile()));
    }

    /** The chart as an image (notebooks display it directly). */
    public BufferedImage image(int width, int height) {
        return chart().createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, null);
    }

    public byte[] png(int width, int height) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(image(width, height), "png", bos);
        return bos.toByteArray();
    }

    /** A new JFreeChart of the series and reference lines added so far, for callers that restyle or embed it. */
    public JFreeChart chart() {
        RefPlot plot = new RefPlot(refs, logX);
        ValueAxis x = logX ? new RoundLogAxis(xLabel) : new NumberAxis(xLabel);
        NumberAxis y = new NumberAxis(yLabel);
        for (ValueAxis a : List.of(x, y)) {
            a.setLowerMargin(0.06);
            a.setUpperMargin(0.06);
            a.setLabelFont(FONT);
            a.setTickLabelFont(FONT);
            a.setTickLabelPaint(Color.DARK_GRAY);
            a.setAxisLineVisible(false);
            a.setTickMarkPaint(Color.GRAY);
            if (a instanceof NumberAxis n) {
                n.setAutoRangeIncludesZero(false);
                n.setAutoRangeStickyZero(false);
                n.setNumberFormatOverride(new LabelFormat());
            }
        }
        if (x instanceof NumberAxis n && series.stream().allMatch(s -> whole(s.x()))) {
            n.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // epochs, trials: no tick at 2.5
        }
        // the space around a tick label is also the least gap JFreeChart leaves between two: 5 to 10 labels per axis
        x.setTickLabelInsets(new RectangleInsets(4, 16, 4, 16));
        y.setTickLabelInsets(new RectangleInsets(12, 4, 12, 6));
        plot.setDomainAxis(x);
        plot.setRangeAxis(y);
        plot.setBackgroundPaint(new Color(0xeeeeee));
        plot.setOutlinePaint(Color.GRAY);
        plot.setDomainGridlinePaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.WHITE);
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setDomainMinorGridlinesVisible(logX);
        plot.setDomainMinorGridlinePaint(new Color(0xf8f8f8));
        plot.setDomainMinorGridlineStroke(new BasicStroke(1f));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            plot.setDataset(i, new XYSeriesCollection(data(s)));
            plot.setRenderer(i, renderer(s));
        }
        for (Ref r : refs) {
            if (!r.vertical()) {
                plot.addRangeMarker(0, marker(r, x), Layer.BACKGROUND, false);
            } else if (!logX || r.at() > 0) {
                plot.addDomainMarker(0, marker(r, x), Layer.BACKGROUND, false);
            }
        }
        boolean legend = series.stream().anyMatch(s -> s.name() != null);
        JFreeChart chart = new JFreeChart(title, FONT.deriveFont(Font.BOLD, 14f), plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(6, 6, 6, 10));
        chart.getTitle().setHorizontalAlignment(HorizontalAlignment.LEFT);
        chart.getTitle().setPadding(new RectangleInsets(2, 2, 8, 2));
        if (legend) {
            LegendTitle l = chart.getLegend();
            l.setPosition(RectangleEdge.RIGHT);
            l.setVerticalAlignment(VerticalAlignment.TOP);
            l.setItemFont(FONT);
            l.setFrame(BlockBorder.NONE);
            l.setMargin(new RectangleInsets(0, 12, 0, 0));
        }
        return chart;
    }

    /** The finite points of {@code s} (positive x on a log axis), with a gap in the line where one was left out. */
    private XYSeries data(Series s) {
        XYSeries xy = new XYSeries(s.name() == null ? "" : s.name(), false, true);
        boolean last = false;
        for (int i = 0; i < s.x().length; i++) {
            double x = s.x()[i], y = s.y()[i];
            boolean ok = Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0);
            if (ok) {
                xy.add(x, y);
            } else if (last && s.line()) {
                xy.add(xy.getX(xy.getItemCount() - 1), Double.NaN);
            }
            last = ok;
        }
        return xy;
    }

    /**
     * A dashed line at {@code r}. A horizontal line's label sits above its left end; a vertical line's label at its
     * top, to the right, or to the left near the right edge where it would be cut off.
     */
    private static ValueMarker marker(Ref r, ValueAxis x) {
        ValueMarker m = new ValueMarker(r.at(), REF_COLOR, new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f));
        m.setLabel(r.label());
        m.setLabelFont(FONT);
        m.setLabelPaint(REF_COLOR);
        m.setLabelBackgroundColor(new Color(0, true));
        if (!r.vertical()) {
            m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            m.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        } else if (x.valueToJava2D(r.at(), new Rectangle2D.Double(0, 0, 1, 1), RectangleEdge.BOTTOM) < 0.8) {
            m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        } else {
            m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
        }
        return m;
    }

    private static boolean whole(double[] values) {
        return Arrays.stream(values).allMatch(v -> !Double.isFinite(v) || v == Math.rint(v));
    }

    private static XYLineAndShapeRenderer renderer(Series s) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(s.line(), s.markerSize() > 0);
        double d = s.markerSize();
        r.setSeriesPaint(0, s.color());
        r.setSeriesShape(0, new Ellipse2D.Double(-d / 2, -d / 2, d, d));
        r.setSeriesShapesFilled(0, s.filled());
        r.setSeriesStroke(0, new BasicStroke(1.8f));
        r.setSeriesOutlineStroke(0, new BasicStroke(1.2f));
        r.setUseOutlinePaint(false);
        r.setDrawSeriesLineAsPath(true);
        r.setLegendLine(new Line2D.Double(-9, 0, 9, 0));
        r.setSeriesVisibleInLegend(0, s.name() != null);
        return r;
    }

    /** Short tick and reference labels: "30k" for 30000, "0.85", "1e-04" below 0.001, "2e+06" from a million. */
    static String label(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e6 || a < 1e-3)) {
            return String.format(Locale.ROOT, "%.0e", v);
        }
        if (a >= 1000) {
            return a >= 10000 && v % 1000 == 0
                    ? String.format(Locale.ROOT, "%.0fk", v / 1000)
                    : String.format(Locale.ROOT, "%.0f", v);
        }
        String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Axis tick labels written by {@link #label(double)}. */
    private static final class LabelFormat extends NumberFormat {
        @Override
        public StringBuffer format(double v, StringBuffer to, FieldPosition pos) {
            return to.append(label(v));
        }

        @Override
        public StringBuffer format(long v, StringBuffer to, FieldPosition pos) {
            return to.append(label(v));
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            throw new UnsupportedOperationException("tick labels are not parsed");
        }
    }

    /** An XY plot whose data range takes in its reference lines, and widens a single value so the axis has a span. */
    private static final class RefPlot extends XYPlot {
        private final List<Ref> refs;
        private final boolean logX;

        RefPlot(List<Ref> refs, boolean logX) {
            this.refs = List.copyOf(refs);
            this.logX = logX;
        }

        @Override
        public Range getDataRange(ValueAxis axis) {
            Range r = super.getDataRange(axis);
            boolean domain = axis == getDomainAxis();
            for (Ref ref : refs) {
                if (ref.vertical() == domain && !(domain && logX && ref.at() <= 0)) {
                    r = Range.expandToInclude(r, ref.at());
                }
            }
            if (r == null || r.getLength() > 0) {
                return r;
            }
            double v = r.getCentralValue();
            double d = Math.max(Math.abs(v) * 0.05, 0.5);
            return domain && logX ? new Range(v / 2, v * 2) : new Range(v - d, v + d);
        }
    }

    /**
     * A base-10 log axis with a grid line at 1..9 times each decade, labelled by how wide a decade is: from
     * {@link #MIN_DECADE} pixels the decades, from {@link #LABEL_125} also 2 and 5 times them, from
     * {@link #LABEL_MOST} all but 7 and 9 times them (too close to their neighbours). JFreeChart's LogAxis labels only
     * whole multiples of its tick unit and starts its minor grid at the first labelled decade, so a span of one or two
     * decades would carry one or two labels; below {@link #MIN_DECADE} pixels a decade, LogAxis chooses the ticks.
     */
    static final class RoundLogAxis extends LogAxis {
        static final double MIN_DECADE = 60;
        static final double LABEL_125 = 250;
        static final double LABEL_MOST = 600;

        RoundLogAxis(String label) {
            super(label);
            setNumberFormatOverride(new LabelFormat());
            setDefaultAutoRange(new Range(1, 10));
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        protected List refreshTicksHorizontal(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
            double decade = exponentLengthToJava2D(1, dataArea, edge);
            if (!(decade >= MIN_DECADE)) {
                return super.refreshTicksHorizontal(g2, dataArea, edge);
            }
            TextAnchor anchor = edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER;
            Range range = getRange();
            List ticks = new ArrayList();
            double top = Math.log10(range.getUpperBound());
            for (int e = (int) Math.floor(Math.log10(range.getLowerBound())); e <= top; e++) {
                for (int m = 1; m <= 9; m++) {
                    double v = m * Math.pow(10, e);
                    if (range.contains(v)) {
                        boolean major = m == 1 || decade >= LABEL_125 && (m == 2 || m == 5)
                                || decade >= LABEL_MOST && m != 7 && m != 9;
                        ticks.add(new LogTick(major ? TickType.MAJOR : TickType.MINOR, v,
                                major ? createTickLabel(v) : null, anchor));
                    }
                }
            }
            return ticks;
        }
    }
}
