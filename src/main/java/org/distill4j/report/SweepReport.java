package org.distill4j.report;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.distill4j.config.SweepConfig;
import org.distill4j.math.Pareto;
import org.distill4j.run.AtomicFiles;
import org.distill4j.run.Json;
import org.distill4j.sweep.Sweep;
import org.distill4j.sweep.SweepState;
import org.distill4j.sweep.Trial;

/**
 * A sweep's report, from its {@code state.json} and {@code sweep.yaml}: {@code leaderboard.csv} (every trial, best
 * first), {@code sweep.json} (counts, best trial, Pareto front, throughput), {@code objective.png} (objective per trial
 * with the running best), {@code pareto.png} (objective against the secondary objective, front highlighted),
 * {@code by_param.png} (objective against one searched key, a line per value of another) and {@code report.html}.
 */
public final class SweepReport {
    public static final String HTML = "report.html";
    public static final String CSV = "leaderboard.csv";
    public static final String JSON = "sweep.json";

    private final Path dir;
    private final SweepConfig config;
    private final SweepState state;

    private SweepReport(Path dir, SweepConfig config, SweepState state) {
        this.dir = dir;
        this.config = config;
        this.state = state;
    }

    /** Reads a sweep directory. */
    public static SweepReport load(Path dir) throws IOException {
        Sweep.Opened o = Sweep.open(dir);
        return new SweepReport(dir, o.loaded().config(), o.state());
    }

    /** Writes every report file into the sweep directory. */
    public static Path write(Path dir) throws IOException {
        SweepReport r = load(dir);
        AtomicFiles.writeString(dir.resolve(CSV), r.csv());
        Json.write(dir.resolve(JSON), r.summary());
        List<String> images = new ArrayList<>();
        r.objectivePlot().writePng(dir.resolve("objective.png"), 900, 480);
        images.add("objective.png");
        if (r.config().secondary() != null) {
            r.paretoPlot().writePng(dir.resolve("pareto.png"), 900, 540);
            images.add("pareto.png");
        }
        Plot by = r.byParamPlot();
        if (by != null) {
            by.writePng(dir.resolve("by_param.png"), 900, 520);
            images.add("by_param.png");
        }
        AtomicFiles.writeString(dir.resolve(HTML), r.html(images));
        return dir.resolve(HTML);
    }

    public SweepConfig config() {
        return config;
    }

    public SweepState state() {
        return state;
    }

    public List<String> keys() {
        return config.space().stream().map(SweepConfig.ParamSpec::key).toList();
    }

    /** A config key without its {@code stages.} prefix, for labels. */
    public static String shortKey(String key) {
        return key.startsWith("stages.") ? key.substring("stages.".length()) : key;
    }

    /** Every trial, best first: completed and feasible by objective, then infeasible, then failed and unfinished. */
    public List<Trial> leaderboard() {
        List<Trial> out = new ArrayList<>(state.trials);
        Comparator<Trial> byClass = Comparator.comparingInt(SweepReport::rankClass);
        Comparator<Trial> byObjective = (a, b) -> {
            if (a.objective == null || b.objective == null) {
                return Integer.compare(a.index, b.index);
            }
            int c = Double.compare(a.objective, b.objective);
            return config.objective().maximize() ? -c : c;
        };
        out.sort(byClass.thenComparing(byObjective).thenComparingInt(t -> t.index));
        return out;
    }

    private static int rankClass(Trial t) {
        if (t.status == Trial.Status.COMPLETED) {
            return Boolean.FALSE.equals(t.feasible) ? 1 : 0;
        }
        return t.status == Trial.Status.FAILED ? 2 : 3;
    }

    /** The best completed feasible trial, or null. */
    public Trial best() {
        List<Trial> lb = leaderboard();
        return lb.isEmpty() || rankClass(lb.get(0)) != 0 ? null : lb.get(0);
    }

    /** The Pareto front (objective against secondary) among completed feasible trials, by secondary value. */
    public List<Trial> paretoFront() {
        if (config.secondary() == null) {
            return List.of();
        }
        List<Trial> ok = state.trials.stream().filter(t -> rankClass(t) == 0 && t.secondary != null).toList();
        double[] a = ok.stream().mapToDouble(t -> t.secondary).toArray();
        double[] b = ok.stream().mapToDouble(t -> t.objective).toArray();
        List<Trial> out = new ArrayList<>();
        for (int i : Pareto.front(a, config.secondary().maximize(), b, config.objective().maximize())) {
            out.add(ok.get(i));
        }
        return out;
    }

    static String csvField(Object o) {
        if (o == null) {
            return "";
        }
        String s = o instanceof Double d ? num(d) : o instanceof List<?> l ? l.toString() : o.toString();
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String num(Double d) {
        return d == null ? "" : org.distill4j.config.Check.fmt(d);
    }

    public String csv() {
        StringBuilder sb = new StringBuilder();
        List<String> head = new ArrayList<>(List.of("rank", "trial", "status", "generation"));
        head.addAll(keys());
        head.add(config.objective().metric());
        if (config.secondary() != null) {
            head.add(config.secondary().metric());
        }
        head.addAll(config.report().columns());
        head.addAll(List.of("feasible", "pareto", "wall_s", "attempts", "run_dir", "reason"));
        sb.append(String.join(",", head.stream().map(SweepReport::csvField).toList())).append('\n');
        var front = paretoFront();
        int rank = 0;
        for (Trial t : leaderboard()) {
            List<Object> row = new ArrayList<>();
            row.add(rankClass(t) == 0 ? String.valueOf(++rank) : "");
            row.add(t.id);
            row.add(t.status.name().toLowerCase(Locale.ROOT));
            row.add(t.generation);
            for (String k : keys()) {
                row.add(t.params.get(k));
            }
            row.add(t.objective);
            if (config.secondary() != null) {
                row.add(t.secondary);
            }
            for (String c : config.report().columns()) {
                row.add(t.metrics == null ? null : t.metrics.get(c));
            }
            row.add(t.feasible);
            row.add(front.contains(t));
            row.add(t.wallS);
            row.add(t.attempts);
            row.add(t.runDir);
            row.add(t.reason);
            sb.append(String.join(",", row.stream().map(SweepReport::csvField).toList())).append('\n');
        }
        return sb.toString();
    }

    /** Completed trials per hour between the first start and the last end. */
    public Map<String, Object> throughput() {
        Instant first = null, last = null;
        int done = 0;
        for (Trial t : state.trials) {
            if (t.started != null && (first == null || Instant.parse(t.started).isBefore(first))) {
                first = Instant.parse(t.started);
            }
            if (t.ended != null && (last == null || Instant.parse(t.ended).isAfter(last))) {
                last = Instant.parse(t.ended);
            }
            if (t.status == Trial.Status.COMPLETED) {
                done++;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        if (first != null && last != null && last.isAfter(first)) {
            double s = Duration.between(first, last).toMillis() / 1000.0;
            m.put("span_s", s);
            m.put("completed", done);
            m.put("trials_per_hour", done / (s / 3600));
            m.put("mean_trial_wall_s", state.trials.stream()
                    .filter(t -> t.wallS != null && t.status == Trial.Status.COMPLETED)
                    .mapToDouble(t -> t.wallS).average().orElse(Double.NaN));
        }
        return m;
    }

    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", state.name);
        m.put("id", state.id);
        m.put("status", state.status);
        m.put("strategy", state.strategy);
        m.put("executor", state.executor);
        m.put("space", keys());
        m.put("objective", Map.of("metric", config.objective().metric(),
                "goal", config.objective().maximize() ? "maximize" : "minimize"));
        if (config.secondary() != null) {
            m.put("secondary", Map.of("metric", config.secondary().metric(),
                    "goal", config.secondary().maximize() ? "maximize" : "minimize"));
        }
        m.put("constraints", config.constraints().stream().map(Object::toString).toList());
        Map<String, Object> counts = new TreeMap<>();
        for (Trial.Status s : Trial.Status.values()) {
            counts.put(s.name().toLowerCase(Locale.ROOT), state.count(s));
        }
        counts.put("infeasible", state.trials.stream().filter(t -> Boolean.FALSE.equals(t.feasible)).count());
        counts.put("total", state.trials.size());
        m.put("trials", counts);
        Trial best = best();
        if (best != null) {
            m.put("best", brief(best));
        }
        m.put("pareto_front", paretoFront().stream().map(this::brief).toList());
        m.put("throughput", throughput());
        m.put("failed", state.trials.stream().filter(t -> t.status == Trial.Status.FAILED)
                .map(t -> Map.of("trial", t.id, "reason", String.valueOf(t.reason))).toList());
        return m;
    }

    private Map<String, Object> brief(Trial t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trial", t.id);
        m.put("params", t.params);
        m.put("objective", t.objective);
        if (t.secondary != null) {
            m.put("secondary", t.secondary);
        }
        m.put("run_dir", t.runDir);
        return m;
    }

    public Plot objectivePlot() {
        List<Trial> ts = state.trials.stream().sorted(Comparator.comparingInt(t -> t.index)).toList();
        List<double[]> ok = new ArrayList<>(), bad = new ArrayList<>();
        List<double[]> running = new ArrayList<>();
        Double best = null;
        for (Trial t : ts) {
            if (t.status != Trial.Status.COMPLETED || t.objective == null) {
                continue;
            }
            boolean feasible = !Boolean.FALSE.equals(t.feasible);
            (feasible ? ok : bad).add(new double[]{t.index, t.objective});
            if (feasible && (best == null || config.objective().better(t.objective, best))) {
                best = t.objective;
            }
            if (best != null) {
                running.add(new double[]{t.index, best});
            }
        }
        long failed = state.count(Trial.Status.FAILED);
        Plot p = new Plot(state.name + ": " + shortKey(config.objective().metric()) + " per trial"
                + (failed > 0 ? " (" + failed + " failed, not shown)" : ""),
                "trial", shortKey(config.objective().metric()));
        if (!bad.isEmpty()) {
            p.points("infeasible", col(bad, 0), col(bad, 1), Plot.GREY);
        }
        p.points("trial", col(ok, 0), col(ok, 1), Plot.PALETTE[0]);
        p.line("best so far", col(running, 0), col(running, 1), Plot.PALETTE[1]);
        return p;
    }

    public Plot paretoPlot() {
        SweepConfig.MetricGoal sec = Objects.requireNonNull(config.secondary(), "no secondary objective");
        List<double[]> ok = new ArrayList<>(), bad = new ArrayList<>();
        for (Trial t : state.trials) {
            if (t.status == Trial.Status.COMPLETED && t.objective != null && t.secondary != null) {
                (Boolean.FALSE.equals(t.feasible) ? bad : ok).add(new double[]{t.secondary, t.objective});
            }
        }
        List<Trial> front = paretoFront();
        double[] fx = front.stream().mapToDouble(t -> t.secondary).toArray();
        double[] fy = front.stream().mapToDouble(t -> t.objective).toArray();
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (double[] v : ok) {
            lo = Math.min(lo, v[0]);
            hi = Math.max(hi, v[0]);
        }
        for (double[] v : bad) {
            lo = Math.min(lo, v[0]);
            hi = Math.max(hi, v[0]);
        }
        Plot p = new Plot(state.name + ": " + shortKey(config.objective().metric()) + " vs " + shortKey(sec.metric())
                + " (Pareto front)", shortKey(sec.metric()) + (lo > 0 && hi / lo > 20 ? " (log scale)" : ""),
                shortKey(config.objective().metric()));
        p.logX(lo > 0 && hi / lo > 20);
        if (!bad.isEmpty()) {
            p.points("infeasible", col(bad, 0), col(bad, 1), Plot.GREY);
        }
        p.points("feasible", col(ok, 0), col(ok, 1), Plot.PALETTE[0]);
        p.add(new Plot.Series("Pareto front", fx, fy, Plot.PALETTE[3], 11, true, false));
        for (SweepConfig.Constraint c : config.constraints()) {
            if (c.metric().equals(sec.metric())) {
                p.vertical(c.value(), c.op() + " " + Plot.label(c.value()));
            }
        }
        return p;
    }

    /**
     * Objective against {@code report.x} (default: the first numeric key), one colour per value of {@code report.group}
     * (default: the next key), with a line through the mean at each x; null when the space has no numeric key.
     */
    public Plot byParamPlot() {
        List<String> keys = keys();
        String x = config.report().x();
        if (x == null) {
            x = keys.stream().filter(k -> numericKey(k)).findFirst().orElse(null);
        }
        if (x == null) {
            return null;
        }
        final String xk = x;
        String group = config.report().group();
        if (group == null) {
            group = keys.stream().filter(k -> !k.equals(xk)).findFirst().orElse(null);
        }
        Map<String, List<double[]>> byGroup = new TreeMap<>(SweepReport::compareValues);
        for (Trial t : state.trials) {
            if (t.status != Trial.Status.COMPLETED || t.objective == null || !(t.params.get(xk) instanceof Number n)) {
                continue;
            }
            String g = group == null ? "all" : String.valueOf(t.params.get(group));
            byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(new double[]{n.doubleValue(), t.objective});
        }
        Plot p = new Plot(state.name + ": " + shortKey(config.objective().metric()) + " vs " + shortKey(xk)
                + (group == null ? "" : " per " + shortKey(group)) + " (lines: mean)", shortKey(xk),
                shortKey(config.objective().metric()));
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (var l : byGroup.values()) {
            for (double[] v : l) {
                lo = Math.min(lo, v[0]);
                hi = Math.max(hi, v[0]);
            }
        }
        p.logX(lo > 0 && hi / lo >= 8);
        int c = 0;
        for (var e : byGroup.entrySet()) {
            java.awt.Color color = Plot.PALETTE[c++ % Plot.PALETTE.length];
            List<double[]> pts = e.getValue();
            TreeMap<Double, double[]> mean = new TreeMap<>();
            for (double[] v : pts) {
                double[] s = mean.computeIfAbsent(v[0], k -> new double[2]);
                s[0] += v[1];
                s[1]++;
            }
            String label = group == null ? "mean" : shortKey(group) + " = " + e.getKey();
            p.add(new Plot.Series(null, col(pts, 0), col(pts, 1), color, 6, false, false));
            p.add(new Plot.Series(label, mean.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                    mean.values().stream().mapToDouble(s -> s[0] / s[1]).toArray(), color, 7, true, true));
        }
        return p;
    }

    private boolean numericKey(String k) {
        return state.trials.stream().anyMatch(t -> t.params.get(k) instanceof Number);
    }

    private static int compareValues(String a, String b) {
        try {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }

    private static double[] col(List<double[]> rows, int c) {
        return rows.stream().mapToDouble(r -> r[c]).toArray();
    }

    /** The leaderboard as an HTML table (at most {@code limit} rows). */
    public String leaderboardHtml(int limit) {
        StringBuilder sb = new StringBuilder("<table>\n<tr><th>rank</th><th>trial</th><th>status</th>");
        for (String k : keys()) {
            sb.append("<th>").append(esc(shortKey(k))).append("</th>");
        }
        sb.append("<th>").append(esc(shortKey(config.objective().metric()))).append("</th>");
        if (config.secondary() != null) {
            sb.append("<th>").append(esc(shortKey(config.secondary().metric()))).append("</th><th>Pareto</th>");
        }
        for (String c : config.report().columns()) {
            sb.append("<th>").append(esc(shortKey(c))).append("</th>");
        }
        sb.append("<th>wall s</th><th>run / reason</th></tr>\n");
        var front = paretoFront();
        int rank = 0, n = 0;
        for (Trial t : leaderboard()) {
            if (n++ >= limit) {
                break;
            }
            boolean ok = rankClass(t) == 0;
            sb.append("<tr class=\"").append(t.status.name().toLowerCase(Locale.ROOT))
                    .append(Boolean.FALSE.equals(t.feasible) ? " infeasible" : "").append("\">")
                    .append("<td>").append(ok ? String.valueOf(++rank) : "").append("</td><td>").append(t.id)
                    .append("</td><td>").append(t.status.name().toLowerCase(Locale.ROOT))
                    .append(Boolean.FALSE.equals(t.feasible) ? " (infeasible)" : "").append("</td>");
            for (String k : keys()) {
                sb.append("<td>").append(esc(csvField(t.params.get(k)))).append("</td>");
            }
            sb.append("<td>").append(t.objective == null ? "" : fmt(t.objective)).append("</td>");
            if (config.secondary() != null) {
                sb.append("<td>").append(t.secondary == null ? "" : fmt(t.secondary)).append("</td><td>")
                        .append(front.contains(t) ? "&#9733;" : "").append("</td>");
            }
            for (String c : config.report().columns()) {
                Double v = t.metrics == null ? null : t.metrics.get(c);
                sb.append("<td>").append(v == null ? "" : fmt(v)).append("</td>");
            }
            sb.append("<td>").append(t.wallS == null ? "" : String.format(Locale.ROOT, "%.0f", t.wallS))
                    .append("</td><td>");
            if (t.runDir != null) {
                sb.append("<a href=\"").append(esc(t.runDir)).append("/\">").append(esc(t.runDir)).append("</a>");
            }
            if (t.reason != null) {
                sb.append(t.runDir != null ? "<br>" : "")
                        .append(esc(t.reason.length() > 300 ? t.reason.substring(0, 300) + "..." : t.reason));
            }
            sb.append("</td></tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) v)
                : String.format(Locale.ROOT, "%.4f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    String html(List<String> images) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>sweep ").append(esc(state.name))
                .append("</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:1200px}"
                        + "table{border-collapse:collapse;font-size:13px}")
                .append("td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#f0f0f0}")
                .append("tr.failed td,tr.cancelled td,tr.infeasible td{color:#999}"
                        + "img{max-width:100%;border:1px solid #ddd;margin:6px 0}</style></head><body>\n");
        sb.append("<h1>Sweep ").append(esc(state.name)).append(" <small>").append(esc(state.id))
                .append("</small></h1>\n<p>");
        sb.append("Status <b>").append(esc(state.status)).append("</b>; ").append(esc(state.strategy))
                .append(" search, ").append(esc(state.executor)).append(" executor; ")
                .append(state.trials.size()).append(" of ").append(state.maxTrials).append(" trials: ")
                .append(state.count(Trial.Status.COMPLETED)).append(" completed, ")
                .append(state.count(Trial.Status.FAILED)).append(" failed");
        long unfinished = state.trials.size() - state.count(Trial.Status.COMPLETED) - state.count(Trial.Status.FAILED);
        if (unfinished > 0) {
            sb.append(", ").append(unfinished).append(" unfinished");
        }
        sb.append(".<br>Objective: ").append(config.objective().maximize() ? "maximize " : "minimize ")
                .append(esc(config.objective().metric()));
        if (config.secondary() != null) {
            sb.append("; secondary: ").append(config.secondary().maximize() ? "maximize " : "minimize ")
                    .append(esc(config.secondary().metric()));
        }
        if (!config.constraints().isEmpty()) {
            sb.append("; constraints: ")
                    .append(esc(String.join(", ", config.constraints().stream().map(Object::toString).toList())));
        }
        Map<String, Object> tp = throughput();
        if (tp.containsKey("trials_per_hour")) {
            sb.append(String.format(Locale.ROOT,
                    ".<br>Throughput: %.1f completed trials per hour over %.0f s (mean trial %.0f s)",
                    (Double) tp.get("trials_per_hour"), (Double) tp.get("span_s"),
                    (Double) tp.get("mean_trial_wall_s")));
        }
        sb.append(".</p>\n");
        Trial best = best();
        if (best != null) {
            sb.append("<p>Best: <b>").append(best.id).append("</b> ").append(esc(best.params.toString()))
                    .append(" &rarr; ").append(fmt(best.objective))
                    .append(best.secondary == null ? "" : " at " + fmt(best.secondary)).append("</p>\n");
        }
        for (String img : images) {
            sb.append("<p><img src=\"").append(img).append("\" alt=\"").append(img).append("\"></p>\n");
        }
        sb.append("<h2>Leaderboard</h2>\n<p><a href=\"").append(CSV).append("\">").append(CSV)
                .append("</a> &middot; <a href=\"").append(JSON).append("\">").append(JSON).append("</a></p>\n")
                .append(leaderboardHtml(Integer.MAX_VALUE));
        return sb.append("</body></html>\n").toString();
    }
}
