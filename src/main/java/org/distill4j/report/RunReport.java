package org.distill4j.report;

import org.distill4j.config.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.distill4j.run.AtomicFiles;
import org.distill4j.run.Json;
import org.distill4j.run.MetricsLine;
import org.distill4j.run.RunSummary;

/**
 * A run's curves from its {@code metrics.jsonl}: {@code loss.png} (training loss per epoch) and {@code accuracy.png}
 * (validation and test accuracy per epoch), epochs counted across stages and one colour per stage, plus
 * {@code report.html} with the run's summary.
 */
public final class RunReport {
    private final Path dir;
    private final List<MetricsLine> epochs = new ArrayList<>();
    private final RunSummary summary;

    private RunReport(Path dir, RunSummary summary) {
        this.dir = dir;
        this.summary = summary;
    }

    public static boolean isRunDir(Path dir) {
        return Files.isRegularFile(dir.resolve("provenance.json"))
                && Files.isRegularFile(dir.resolve("config.resolved.yaml"));
    }

    public static RunReport load(Path given) throws IOException {
        Path dir = given.toAbsolutePath().normalize();
        if (!isRunDir(dir)) {
            throw new InputException(InputException.Kind.ARGUMENT,
                    dir + " is not a run directory (no provenance.json and config.resolved.yaml)");
        }
        Path s = dir.resolve("summary.json");
        RunReport r = new RunReport(dir, Files.isRegularFile(s) ? RunSummary.read(dir) : null);
        Path m = dir.resolve("metrics.jsonl");
        if (Files.isRegularFile(m)) {
            for (String l : Files.readAllLines(m)) {
                if (!l.isBlank()) {
                    MetricsLine line = MetricsLine.fromJson(Json.MAPPER.readTree(l));
                    if (line != null) {
                        r.epochs.add(line);
                    }
                }
            }
        }
        return r;
    }

    /** The epoch records of {@code metrics.jsonl}, in order. */
    public List<MetricsLine> epochs() {
        return epochs;
    }

    /** summary.json (null while the run has not completed). */
    public RunSummary summary() {
        return summary;
    }

    /** One plot of {@code field} per epoch, a series per stage. */
    public Plot curve(String field, String title) {
        Plot p = new Plot(dir.getParent().getFileName() + ": " + title, "epoch (all stages)", field);
        Map<String, List<double[]>> byStage = new LinkedHashMap<>();
        int x = 0;
        for (MetricsLine n : epochs) {
            x++;
            Double v = n.number(field);
            if (v != null && !v.isNaN()) {
                byStage.computeIfAbsent(n.stage(), k -> new ArrayList<>()).add(new double[]{x, v});
            }
        }
        int c = 0;
        for (var e : byStage.entrySet()) {
            double[] xs = e.getValue().stream().mapToDouble(v -> v[0]).toArray();
            double[] ys = e.getValue().stream().mapToDouble(v -> v[1]).toArray();
            p.lineWithPoints(e.getKey(), xs, ys, Plot.PALETTE[c++ % Plot.PALETTE.length]);
        }
        return p;
    }

    /** Writes loss.png, accuracy.png and report.html into the run directory; returns the HTML file. */
    public static Path write(Path given) throws IOException {
        Path dir = given.toAbsolutePath().normalize();
        RunReport r = load(dir);
        r.curve("loss", "training loss").writePng(dir.resolve("loss.png"), 900, 440);
        r.accuracyPlot().writePng(dir.resolve("accuracy.png"), 900, 440);
        StringBuilder sb = page("run " + dir.getFileName(),
                "Run " + dir.getParent().getFileName() + "/" + dir.getFileName());
        sb.append("<p><img src=\"loss.png\" alt=\"loss\"></p>\n<p><img src=\"accuracy.png\" alt=\"accuracy\"></p>\n");
        sb.append("<h2>Epochs</h2>\n").append(r.epochsHtml());
        if (r.summary != null) {
            sb.append("<h2>Summary</h2>\n<pre>").append(SweepReport.esc(Json.pretty(r.summary))).append("</pre>\n");
        }
        sb.append("</body></html>\n");
        AtomicFiles.writeString(dir.resolve("report.html"), sb.toString());
        return dir.resolve("report.html");
    }

    /**
     * The start of a run's or a repeat folder's report.html: head, style and the {@code heading}, up to the body's
     * content (both texts escaped here).
     */
    static StringBuilder page(String title, String heading) {
        return new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(SweepReport.esc(title))
                .append("</title><style>body{font-family:sans-serif;margin:2em;max-width:1100px}")
                .append("table{border-collapse:collapse;font-size:13px}"
                        + "td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#f0f0f0}")
                .append("img{max-width:100%;border:1px solid #ddd}</style></head><body>\n<h1>")
                .append(SweepReport.esc(heading)).append("</h1>\n");
    }

    /** The epoch records as an HTML table: stage, epoch, loss, train/validation/test accuracy, samples/s. */
    public String epochsHtml() {
        StringBuilder sb = new StringBuilder();
        sb.append("<table><tr><th>stage</th><th>epoch</th><th>loss</th><th>train acc</th><th>val acc</th>"
                + "<th>test acc</th><th>samples/s</th></tr>\n");
        for (MetricsLine n : epochs) {
            sb.append("<tr><td>").append(SweepReport.esc(n.stage())).append("</td><td>").append(n.epoch())
                    .append("</td>");
            for (Double v : new Double[]{n.loss(), n.trainAcc(), n.valAcc(), n.testAcc()}) {
                sb.append("<td>").append(v != null && !v.isNaN() ? String.format(Locale.ROOT, "%.4f", v) : "")
                        .append("</td>");
            }
            sb.append("<td>").append(Double.isNaN(n.samplesPerSecond()) ? ""
                    : String.format(Locale.ROOT, "%.0f", n.samplesPerSecond()))
                    .append("</td></tr>\n");
        }
        sb.append("</table>\n");
        return sb.toString();
    }

    /** Validation accuracy (lines) and test accuracy (open markers) per epoch, a colour per stage. */
    public Plot accuracyPlot() {
        Plot p = new Plot(dir.getParent().getFileName() + ": accuracy (lines: validation, circles: test)",
                "epoch (all stages)", "accuracy");
        Map<String, List<double[]>> byStage = new LinkedHashMap<>();
        int x = 0;
        for (MetricsLine n : epochs) {
            x++;
            byStage.computeIfAbsent(n.stage(), k -> new ArrayList<>())
                    .add(new double[]{x, n.valAcc() == null ? Double.NaN : n.valAcc(), n.testAcc()});
        }
        int c = 0;
        for (var e : byStage.entrySet()) {
            java.awt.Color color = Plot.PALETTE[c++ % Plot.PALETTE.length];
            double[] xs = e.getValue().stream().mapToDouble(v -> v[0]).toArray();
            p.lineWithPoints(e.getKey(), xs, e.getValue().stream().mapToDouble(v -> v[1]).toArray(), color);
            p.add(new Plot.Series(null, xs, e.getValue().stream().mapToDouble(v -> v[2]).toArray(), color, 9,
                    false, false));
        }
        return p;
    }
}
