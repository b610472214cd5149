package org.distill4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.text.AttributedCharacterIterator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.imageio.ImageIO;
import org.distill4j.math.Pareto;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.LogTick;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.Test;

class ParetoPlotTest {
    @Test
    void frontByHand() {
        // accuracy (max) against bytes (min); by hand: B (10k, .80), C (20k, .85) and E (50k, .90) are undominated;
        // A (30k, .84) is beaten by C, D (40k, .85) by C, F (60k, .90) by E; G has NaN.
        double[] bytes = {30_000, 10_000, 20_000, 40_000, 50_000, 60_000, Double.NaN};
        double[] acc = {0.84, 0.80, 0.85, 0.85, 0.90, 0.90, 0.99};
        assertEquals(List.of(1, 2, 4), Pareto.front(bytes, false, acc, true));
        // both maximized: only E and F tie at the top accuracy; F has more "bytes" so F alone
        assertEquals(List.of(5), Pareto.front(bytes, true, acc, true));
    }

    @Test
    void duplicatesAreAllKept() {
        assertEquals(List.of(0, 1), Pareto.front(new double[]{1, 1}, false, new double[]{2, 2}, true));
    }

    @Test
    void labelsAreShort() {
        assertEquals("30k", Plot.label(30_000));
        assertEquals("2500", Plot.label(2_500));
        assertEquals("0.85", Plot.label(0.85));
        assertEquals("1e-04", Plot.label(1e-4));
        assertEquals("2e+06", Plot.label(2e6));
    }

    @Test
    void pngDecodesAtTheRequestedSize() throws Exception {
        byte[] png = new Plot("t", "x", "y").logX(true)
                .points("a", new double[]{10, 1000}, new double[]{0.1, 0.9}, Plot.PALETTE[0])
                .vertical(100, "<= 100").png(300, 200);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(300, img.getWidth());
        assertEquals(200, img.getHeight());
    }

    @Test
    void aMarkerIsDrawnInItsColourWhereItsPointIs() {
        JFreeChart chart = new Plot("t", "x", "y")
                .points("a", new double[]{1, 2, 3}, new double[]{1, 3, 2}, Plot.PALETTE[3]).chart();
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage img = chart.createBufferedImage(400, 300, BufferedImage.TYPE_INT_RGB, info);
        Rectangle2D area = info.getPlotInfo().getDataArea();
        XYPlot plot = chart.getXYPlot();
        int px = (int) Math.round(plot.getDomainAxis().valueToJava2D(2, area, RectangleEdge.BOTTOM));
        int py = (int) Math.round(plot.getRangeAxis().valueToJava2D(3, area, RectangleEdge.LEFT));
        assertEquals(Plot.PALETTE[3].getRGB(), img.getRGB(px, py));
        assertTrue(img.getRGB(px, py + 20) != Plot.PALETTE[3].getRGB());
    }

    @Test
    void logAxisLabelsOneTwoFiveWhereDecadesAreWide() {
        Plot p = new Plot("t", "bytes", "acc").logX(true)
                .points("a", new double[]{15_000, 60_000, 500_000}, new double[]{0.8, 0.85, 0.9}, Plot.PALETTE[0]);
        // the axis runs from about 12.2k to 617k
        assertEquals(List.of("20k", "50k", "100k", "200k", "500k"), xLabels(p, 900, 500, TickType.MAJOR));
        // an unlabelled grid line at 30k, 40k, 60k, 70k, 80k, 90k, 300k, 400k and 600k
        assertEquals(Collections.nCopies(9, ""), xLabels(p, 900, 500, TickType.MINOR));
    }

    @Test
    void logAxisLabelsMostMultiplesWithinADecade() {
        Plot p = new Plot("t", "temperature", "acc").logX(true)
                .points("a", new double[]{1, 2, 4, 8}, new double[]{0.8, 0.85, 0.9, 0.8}, Plot.PALETTE[0]);
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "8"), xLabels(p, 900, 500, TickType.MAJOR));
        // 0.9, 7 and 9 are too close to their neighbours to carry a label
        assertEquals(List.of("", "", ""), xLabels(p, 900, 500, TickType.MINOR));
    }

    @Test
    void logAxisLabelsDecadesOnlyOverManyDecades() {
        Plot p = new Plot("t", "params", "acc").logX(true)
                .points("a", new double[]{100, 1e7}, new double[]{0.5, 0.9}, Plot.PALETTE[0]);
        assertEquals(List.of("100", "1000", "10k", "100k", "1e+06", "1e+07"), xLabels(p, 900, 500, TickType.MAJOR));
    }

    @Test
    void wholeNumberedXGetsWholeTicks() {
        double[] epochs = {1, 2, 3, 4, 5, 6, 7};
        Plot p = new Plot("t", "epoch", "acc").lineWithPoints("a", epochs, epochs, Plot.PALETTE[0]);
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7"), xLabels(p, 900, 440, TickType.MAJOR));
        Plot half = new Plot("t", "x", "y")
                .lineWithPoints("a", new double[]{1, 1.5, 2}, new double[]{1, 2, 3}, Plot.PALETTE[0]);
        assertTrue(xLabels(half, 900, 440, TickType.MAJOR).contains("1.5"));
    }

    @Test
    void logXDropsPointsAtOrBelowZero() {
        JFreeChart chart = new Plot("t", "x", "y").logX(true)
                .lineWithPoints("a", new double[]{0, -1, 10, 1000}, new double[]{5, 5, 1, 2}, Plot.PALETTE[0])
                .vertical(0, "ignored").chart();
        chart.createBufferedImage(300, 200);
        ValueAxis x = chart.getXYPlot().getDomainAxis();
        assertInstanceOf(LogAxis.class, x);
        assertTrue(x.getLowerBound() > 5 && x.getUpperBound() < 2000, x.getRange().toString());
        assertTrue(chart.getXYPlot().getRangeAxis().getUpperBound() < 3, "y of the dropped points is not in range");
        assertNull(chart.getXYPlot().getDomainMarkers(Layer.BACKGROUND), "a line at x = 0 has no place on a log axis");
    }

    @Test
    void referenceLinesAreInsideTheAxes() {
        JFreeChart chart = new Plot("t", "x", "y")
                .points("a", new double[]{1, 2, 3}, new double[]{1, 3, 2}, Plot.PALETTE[0])
                .vertical(10, "<= 10").horizontal(-4, "floor").chart();
        XYPlot plot = chart.getXYPlot();
        assertInstanceOf(NumberAxis.class, plot.getDomainAxis());
        assertTrue(plot.getDomainAxis().getUpperBound() > 10, plot.getDomainAxis().getRange().toString());
        assertTrue(plot.getRangeAxis().getLowerBound() < -4, plot.getRangeAxis().getRange().toString());
    }

    @Test
    void aSingleValueGetsASpan() {
        JFreeChart chart = new Plot("t", "trial", "acc")
                .points("trial", new double[]{0}, new double[]{0.85}, Plot.PALETTE[0]).chart();
        assertEquals(-0.5, chart.getXYPlot().getDomainAxis().getLowerBound(), 0.1);
        assertTrue(chart.getXYPlot().getRangeAxis().getRange().getLength() >= 1);
    }

    @Test
    void theLegendNamesTheNamedSeriesInOrder() {
        LegendItemCollection items = new Plot("t", "x", "y")
                .points("infeasible", new double[]{1}, new double[]{1}, Plot.GREY)
                .add(new Plot.Series(null, new double[]{2}, new double[]{2}, Plot.PALETTE[0], 6, false, false))
                .points("feasible", new double[]{3}, new double[]{3}, Plot.PALETTE[0])
                .add(new Plot.Series("Pareto front", new double[]{3}, new double[]{3}, Plot.PALETTE[3], 11, true,
                        false))
                .chart().getXYPlot().getLegendItems();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < items.getItemCount(); i++) {
            labels.add(items.get(i).getLabel());
        }
        assertEquals(List.of("infeasible", "feasible", "Pareto front"), labels);
        assertEquals(Plot.PALETTE[3], items.get(2).getLinePaint());
        assertTrue(items.get(2).isLineVisible() && !items.get(2).isShapeFilled());
    }

    /** The x tick labels of one kind (MINOR ticks carry none: "") once the chart is drawn at {@code w x h}. */
    private static List<String> xLabels(Plot p, int w, int h, TickType type) {
        List<String> out = new ArrayList<>();
        for (ValueTick t : xTicks(p, w, h)) {
            if (t.getTickType() == type) {
                out.add(t instanceof LogTick l ? text(l) : t.getText());
            }
        }
        return out;
    }

    private static List<ValueTick> xTicks(Plot p, int w, int h) {
        JFreeChart chart = p.chart();
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage img = chart.createBufferedImage(w, h, BufferedImage.TYPE_INT_RGB, info);
        Graphics2D g2 = img.createGraphics();
        List<ValueTick> out = new ArrayList<>();
        for (Object o : chart.getXYPlot().getDomainAxis()
                .refreshTicks(g2, new AxisState(), info.getPlotInfo().getDataArea(), RectangleEdge.BOTTOM)) {
            out.add((ValueTick) o);
        }
        g2.dispose();
        return out;
    }

    private static String text(LogTick t) {
        if (t.getAttributedLabel() == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        AttributedCharacterIterator it = t.getAttributedLabel().getIterator();
        for (char c = it.first(); c != AttributedCharacterIterator.DONE; c = it.next()) {
            sb.append(c);
        }
        return sb.toString();
    }
}
