package org.distill4j.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A small scatter/line chart drawn with Java2D into a PNG: series of points (markers, lines or both), linear or
 * log-10 axes with round tick values, an optional horizontal or vertical reference line, and a legend.
 */
public final class Plot {
    /** Ten distinguishable colours (matplotlib's tab10). */
    public static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
    public static final Color GREY = new Color(0xb0b0b0);

    /** One series; {@code markerSize} 0 draws no markers, {@code line} joins the points in order. */
    public record Series(String name, double[] x, double[] y, Color color, double markerSize, boolean line, boolean filled) {
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
            throw new IllegalArgumentException("series " + s.name() + ": " + s.x().length + " x values, " + s.y().length + " y values");
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
        BufferedImage img = render(width, height);
        org.distill4j.run.AtomicFiles.write(file, tmp -> ImageIO.write(img, "png", tmp.toFile()));
    }

    /** The chart as an image (notebooks display it directly). */
    public BufferedImage image(int width, int height) {
        return render(width, height);
    }

    public byte[] png(int width, int height) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(render(width, height), "png", bos);
        return bos.toByteArray();
    }

    private double tx(double x) {
        return logX ? Math.log10(x) : x;
    }

    BufferedImage render(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();

        double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY, ymin = Double.POSITIVE_INFINITY, ymax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double x = s.x()[i], y = s.y()[i];
                if (!Double.isFinite(x) || !Double.isFinite(y) || logX && x <= 0) {
                    continue;
                }
                xmin = Math.min(xmin, tx(x));
                xmax = Math.max(xmax, tx(x));
                ymin = Math.min(ymin, y);
                ymax = Math.max(ymax, y);
            }
        }
        for (Ref r : refs) {
            if (r.vertical() && (!logX || r.at() > 0)) {
                xmin = Math.min(xmin, tx(r.at()));
                xmax = Math.max(xmax, tx(r.at()));
            } else if (!r.vertical()) {
                ymin = Math.min(ymin, r.at());
                ymax = Math.max(ymax, r.at());
            }
        }
        if (!Double.isFinite(xmin)) {
            xmin = 0;
            xmax = 1;
            ymin = 0;
            ymax = 1;
        }
        double[] xr = pad(xmin, xmax);
        double[] yr = pad(ymin, ymax);
        int left = 70, right = 20, top = 36, bottom = 50;
        List<Series> named = series.stream().filter(s -> s.name() != null).toList();
        int legendW = 0;
        for (Series s : named) {
            legendW = Math.max(legendW, fm.stringWidth(s.name()) + 30);
        }
        if (legendW > 0) {
            right += Math.min(legendW, w / 3) + 10;
        }
        int pw = w - left - right, ph = h - top - bottom;
        final double x0 = xr[0], x1 = xr[1], y0 = yr[0], y1 = yr[1];
        java.util.function.DoubleUnaryOperator px = x -> left + (tx(x) - x0) / (x1 - x0) * pw;
        java.util.function.DoubleUnaryOperator py = y -> top + ph - (y - y0) / (y1 - y0) * ph;

        // grid and ticks
        g.setColor(new Color(0xeeeeee));
        g.fillRect(left, top, pw, ph);
        g.setStroke(new BasicStroke(1f));
        for (double t : ticks(y0, y1, false)) {
            int yy = (int) Math.round(py.applyAsDouble(t));
            g.setColor(Color.WHITE);
            g.drawLine(left, yy, left + pw, yy);
            g.setColor(Color.DARK_GRAY);
            String s = label(t);
            g.drawString(s, left - 6 - fm.stringWidth(s), yy + fm.getAscent() / 2 - 1);
        }
        for (double t : ticks(x0, x1, logX)) {
            double xv = logX ? Math.pow(10, t) : t;
            int xx = (int) Math.round(px.applyAsDouble(xv));
            g.setColor(Color.WHITE);
            g.drawLine(xx, top, xx, top + ph);
            g.setColor(Color.DARK_GRAY);
            String s = label(xv);
            g.drawString(s, xx - fm.stringWidth(s) / 2, top + ph + fm.getAscent() + 4);
        }
        g.setColor(Color.GRAY);
        g.drawRect(left, top, pw, ph);

        // reference lines
        g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f));
        for (Ref r : refs) {
            g.setColor(new Color(0x555555));
            if (r.vertical()) {
                int xx = (int) Math.round(px.applyAsDouble(r.at()));
                g.drawLine(xx, top, xx, top + ph);
                g.drawString(r.label(), xx + 4, top + fm.getAscent() + 2);
            } else {
                int yy = (int) Math.round(py.applyAsDouble(r.at()));
                g.drawLine(left, yy, left + pw, yy);
                g.drawString(r.label(), left + 4, yy - 3);
            }
        }

        // series
        java.awt.Shape clip = g.getClip();
        g.clipRect(left, top, pw + 1, ph + 1);
        for (Series s : series) {
            g.setColor(s.color());
            if (s.line()) {
                g.setStroke(new BasicStroke(1.8f));
                Path2D path = new Path2D.Double();
                boolean started = false;
                for (int i = 0; i < s.x().length; i++) {
                    if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i]) || logX && s.x()[i] <= 0) {
                        started = false;
                        continue;
                    }
                    double a = px.applyAsDouble(s.x()[i]), b = py.applyAsDouble(s.y()[i]);
                    if (started) {
                        path.lineTo(a, b);
                    } else {
                        path.moveTo(a, b);
                        started = true;
                    }
                }
                g.draw(path);
            }
            if (s.markerSize() > 0) {
                g.setStroke(new BasicStroke(1.2f));
                for (int i = 0; i < s.x().length; i++) {
                    if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i]) || logX && s.x()[i] <= 0) {
                        continue;
                    }
                    double r = s.markerSize() / 2;
                    Ellipse2D e = new Ellipse2D.Double(px.applyAsDouble(s.x()[i]) - r, py.applyAsDouble(s.y()[i]) - r, 2 * r, 2 * r);
                    if (s.filled()) {
                        g.fill(e);
                    } else {
                        g.draw(e);
                    }
                }
            }
        }
        g.setClip(clip);

        // labels
        g.setColor(Color.BLACK);
        Font bold = font.deriveFont(Font.BOLD, 14f);
        g.setFont(bold);
        g.drawString(title, left, top - 12);
        g.setFont(font);
        g.drawString(xLabel, left + pw / 2 - fm.stringWidth(xLabel) / 2, h - 12);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(top + ph / 2) - fm.stringWidth(yLabel) / 2, 16);
        g.setTransform(saved);

        // legend
        int ly = top + 6;
        int lx = left + pw + 14;
        for (Series s : named) {
            g.setColor(s.color());
            if (s.line()) {
                g.setStroke(new BasicStroke(2f));
                g.drawLine(lx, ly + 6, lx + 18, ly + 6);
            }
            if (s.markerSize() > 0) {
                Ellipse2D e = new Ellipse2D.Double(lx + 9 - 4, ly + 2, 8, 8);
                if (s.filled()) {
                    g.fill(e);
                } else {
                    g.draw(e);
                }
            }
            g.setColor(Color.BLACK);
            String name = s.name();
            while (fm.stringWidth(name) > w - lx - 28 && name.length() > 4) {
                name = name.substring(0, name.length() - 2);
            }
            g.drawString(name, lx + 24, ly + 10);
            ly += 18;
        }
        g.dispose();
        return img;
    }

    private static double[] pad(double lo, double hi) {
        if (hi - lo < 1e-12) {
            double d = Math.max(Math.abs(lo) * 0.05, 0.5);
            return new double[]{lo - d, hi + d};
        }
        double d = (hi - lo) * 0.06;
        return new double[]{lo - d, hi + d};
    }

    /** Round tick values covering [lo, hi]: 1, 2 or 5 times a power of ten apart (in log space: whole decades when they fit). */
    static List<Double> ticks(double lo, double hi, boolean log) {
        List<Double> out = new ArrayList<>();
        if (log && hi - lo >= 1.5) {
            for (double t = Math.ceil(lo); t <= hi; t++) {
                out.add(t);
            }
            return out;
        }
        double span = log ? Math.pow(10, hi) - Math.pow(10, lo) : hi - lo;
        double raw = span / 6;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        double a = log ? Math.pow(10, lo) : lo;
        double b = log ? Math.pow(10, hi) : hi;
        for (double t = Math.ceil(a / step) * step; t <= b + step * 1e-9; t += step) {
            double v = Math.abs(t) < step * 1e-9 ? 0 : t;
            out.add(log ? Math.log10(v) : v);
        }
        return out;
    }

    static String label(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e6 || a < 1e-3)) {
            return String.format(java.util.Locale.ROOT, "%.0e", v);
        }
        if (a >= 1000) {
            return a >= 10000 && v % 1000 == 0 ? String.format(java.util.Locale.ROOT, "%.0fk", v / 1000) : String.format(java.util.Locale.ROOT, "%.0f", v);
        }
        String s = String.format(java.util.Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
