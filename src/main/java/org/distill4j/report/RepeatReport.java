package org.distill4j.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.distill4j.run.AtomicFiles;
import org.distill4j.run.ModelResult;
import org.distill4j.run.RepeatSummary;
import org.distill4j.run.RunSummary;

/**
 * The report of a {@code train --repeat} folder: {@code accuracy.png} (each model's test accuracy run by run, so
 * the pairing of baseline and student shows) and {@code report.html} with the aggregate table (mean ± sd, min, max,
 * validation), the paired gain and its 95% interval, and one row per run.
 */
public final class RepeatReport {
    private RepeatReport() {
    }

    /** Whether {@code dir} is a repeat folder (it holds {@code aggregate.json}). */
    public static boolean isRepeatDir(Path dir) {
        return Files.isRegularFile(dir.resolve(RepeatSummary.FILE));
    }

    /** Writes accuracy.png and report.html into the repeat folder; returns the HTML file. */
    public static Path write(Path given) throws IOException {
        Path dir = given.toAbsolutePath().normalize();
        RepeatSummary agg = RepeatSummary.read(dir);
        Map<String, RunSummary> done = new LinkedHashMap<>();
        for (RepeatSummary.Run r : agg.runs()) {
            if (r.completed() && Files.isRegularFile(dir.resolve(r.dir()).resolve("summary.json"))) {
                done.put(r.dir(), RunSummary.read(dir.resolve(r.dir())));
            }
        }
        perRunPlot(agg, done).writePng(dir.resolve("accuracy.png"), 900, 440);
        StringBuilder sb = RunReport.page("repeat " + agg.name(), "Repeated runs of " + agg.name()).append("<pre>")
                .append(SweepReport.esc(String.join("\n", agg.lines()))).append("</pre>\n")
                .append("<p><img src=\"accuracy.png\" alt=\"test accuracy per run\"></p>\n");
        sb.append(modelsHtml(agg)).append(runsHtml(agg, done));
        sb.append("</body></html>\n");
        AtomicFiles.writeString(dir.resolve("report.html"), sb.toString());
        return dir.resolve("report.html");
    }

    static String modelsHtml(RepeatSummary agg) {
        StringBuilder sb = new StringBuilder("<h2>Test accuracy</h2>\n<table><tr><th>model</th><th>n</th>"
                + "<th>mean</th><th>sd</th><th>min</th><th>max</th><th>validation mean</th></tr>\n");
        agg.models().forEach((slot, m) -> {
            RepeatSummary.Spread s = m.testAccuracy();
            sb.append("<tr><td>").append(SweepReport.esc(slot)).append("</td><td>").append(s.n()).append("</td>")
                    .append(cell(s.mean())).append(cell(s.sd())).append(cell(s.min())).append(cell(s.max()))
                    .append(cell(m.validationAccuracy() == null ? null : m.validationAccuracy().mean()))
                    .append("</tr>\n");
        });
        return sb.append("</table>\n").toString();
    }

    static String runsHtml(RepeatSummary agg, Map<String, RunSummary> done) {
        List<String> slots = new ArrayList<>(agg.models().keySet());
        StringBuilder sb = new StringBuilder("<h2>Runs</h2>\n<table><tr><th>run</th><th>seed</th>");
        slots.forEach(s -> sb.append("<th>").append(SweepReport.esc(s)).append("</th>"));
        sb.append("<th>student − baseline</th></tr>\n");
        for (RepeatSummary.Run r : agg.runs()) {
            RunSummary s = done.get(r.dir());
            sb.append("<tr><td><a href=\"").append(SweepReport.esc(r.dir())).append("/\">")
                    .append(SweepReport.esc(r.dir())).append("</a>").append(r.completed() ? "" : " (incomplete)")
                    .append("</td><td>").append(r.seed()).append("</td>");
            for (String slot : slots) {
                ModelResult m = s == null ? null : s.models().get(slot);
                sb.append(cell(m == null ? null : m.testAccuracy()));
            }
            sb.append(cell(s == null ? null : RunSummary.gain(s.models()))).append("</tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    private static String cell(Double v) {
        return "<td>" + (v == null || v.isNaN() ? "" : String.format(Locale.ROOT, "%.4f", v)) + "</td>";
    }

    static Plot perRunPlot(RepeatSummary agg, Map<String, RunSummary> done) {
        Plot p = new Plot(agg.name() + ": test accuracy per run", "run", "test accuracy");
        int c = 0;
        for (String slot : agg.models().keySet()) {
            List<double[]> pts = new ArrayList<>();
            int i = 0;
            for (RepeatSummary.Run r : agg.runs()) {
                RunSummary s = done.get(r.dir());
                if (s != null && s.models().containsKey(slot)) {
                    pts.add(new double[]{i, s.models().get(slot).testAccuracy()});
                }
                i++;
            }
            p.lineWithPoints(slot, pts.stream().mapToDouble(v -> v[0]).toArray(),
                    pts.stream().mapToDouble(v -> v[1]).toArray(), Plot.PALETTE[c++ % Plot.PALETTE.length]);
        }
        return p;
    }
}
