package org.distill4j.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distill4j.config.InputException;

/**
 * Compares a run directory with its reproduction: what differs in provenance (versions, commit, hardware, data
 * checksums) as warnings, then metric by metric — each model's test accuracy and top-5, each stage's final loss and
 * reported accuracies and exported bytes, and every {@code metrics.jsonl} line with its timing fields left out. A run
 * whose export was written in an older file format has its file sizes shown beside the new ones but not counted.
 */
public final class Reproduction {
    private Reproduction() {
    }

    /**
     * One compared metric; {@code same} is exact equality. {@code explained} is null, or why the values differ
     * for a known reason other than the run (a file written in a newer format); such a row does not count.
     */
    public record Row(String metric, String original, String reproduced, boolean same, String explained) {
        Row(String metric, String original, String reproduced, boolean same) {
            this(metric, original, reproduced, same, null);
        }

        String verdict() {
            return same ? "same" : explained == null ? "DIFFERS" : "differs: " + explained;
        }
    }

    public record Report(List<String> warnings, List<Row> rows) {
        public long differing() {
            return rows.stream().filter(r -> !r.same() && r.explained() == null).count();
        }

        public long explained() {
            return rows.stream().filter(r -> !r.same() && r.explained() != null).count();
        }

        public String text() {
            StringBuilder sb = new StringBuilder();
            warnings.forEach(w -> sb.append("warning: ").append(w).append('\n'));
            int w = rows.stream().mapToInt(r -> r.metric().length()).max().orElse(6);
            sb.append(String.format("%-" + w + "s  %-22s %-22s %s%n", "metric", "original", "reproduction", ""));
            for (Row r : rows) {
                sb.append(String.format("%-" + w + "s  %-22s %-22s %s%n", r.metric(), r.original(), r.reproduced(),
                        r.verdict()));
            }
            String explainedNote = explained() == 0 ? "" : " (" + explained() + " more differ only by the file format "
                    + "version)";
            sb.append(differing() == 0 && explained() == 0 ? "reproduced exactly: all " + rows.size()
                    + " metrics identical\n" : differing() == 0 ? "reproduced: all " + (rows.size() - explained())
                    + " other metrics identical" + explainedNote + "\n"
                    : differing() + " of " + rows.size() + " metrics differ" + explainedNote + "\n");
            return sb.toString();
        }
    }

    static final List<String> TIMING = List.of("samples_per_s", "epoch_train_s", "wall_s");

    public static Report compare(Path original, Path reproduced) throws IOException {
        List<String> warnings = new ArrayList<>();
        String edited = configEdited(original);
        if (edited != null) {
            warnings.add(edited);
        }
        JsonNode pa = Json.MAPPER.readTree(original.resolve("provenance.json").toFile());
        JsonNode pb = Json.MAPPER.readTree(reproduced.resolve("provenance.json").toFile());
        for (String k : List.of("code/distill4j_version", "code/dl4j_version", "code/nd4j_backend",
                "code/nd4j_native_build", "code/git_commit", "code/git_dirty", "platform/cpu", "platform/cores",
                "platform/java_version", "platform/os", "backend/environment/omp.threads",
                "backend/environment/blas.threads", "data/content_sha256")) {
            JsonNode a = pa.at("/" + k);
            JsonNode b = pb.at("/" + k);
            if (k.equals("data/content_sha256") && a.isObject() && b.isObject()) {
                // per file recorded then (the model files a run loads are recorded since, beside the data's)
                for (var it = a.fields(); it.hasNext(); ) {
                    var e = it.next();
                    if (!e.getValue().equals(b.get(e.getKey()))) {
                        warnings.add("content of " + e.getKey() + " differs: " + brief(e.getValue()) + " then, "
                                + (b.has(e.getKey()) ? brief(b.get(e.getKey())) : "not read") + " now");
                    }
                }
                continue;
            }
            if (!a.equals(b)) {
                warnings.add(k.replace('/', '.') + " differs: " + brief(a) + " then, " + brief(b) + " now"
                        + (k.endsWith(".threads")
                                ? " (the thread count changes float summation order and so the results; run with "
                                + "OMP_NUM_THREADS=" + brief(pa.at("/backend/environment/omp.threads"))
                                + " OPENBLAS_NUM_THREADS=" + brief(pa.at("/backend/environment/blas.threads")) + ")"
                                : ""));
            }
        }
        List<Row> rows = new ArrayList<>();
        RunSummary sa = RunSummary.read(original);
        RunSummary sb = RunSummary.read(reproduced);
        for (Map.Entry<String, ModelResult> e : sa.models().entrySet()) {
            String m = "models." + e.getKey() + ".";
            ModelResult a = e.getValue();
            ModelResult b = sb.models().get(e.getKey());
            rows.add(row(m + "test_accuracy", a.testAccuracy(), b == null ? null : b.testAccuracy()));
            rows.add(row(m + "test_top5_accuracy", a.testTop5Accuracy(), b == null ? null : b.testTop5Accuracy()));
            rows.add(row(m + "params", a.params(), b == null ? null : b.params()));
        }
        // every number and flag a stage reports, except its times and speeds (StageReport.isTiming)
        for (Map.Entry<String, StageReport> e : sa.stages().entrySet()) {
            StageReport b = sb.stages().get(e.getKey());
            rows.addAll(stageRows("stages." + e.getKey() + ".", e.getValue().toMap(),
                    b == null ? null : b.toMap(), warnings));
        }
        List<String> la = metricLines(original);
        List<String> lb = metricLines(reproduced);
        int same = 0;
        for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
            same += la.get(i).equals(lb.get(i)) ? 1 : 0;
        }
        rows.add(new Row("metrics.jsonl lines (timings aside)", la.size() + " lines",
                same + " of " + lb.size() + " identical", same == la.size() && la.size() == lb.size()));
        return new Report(warnings, rows);
    }

    /**
     * The rows of one stage's report. When the reproduction wrote its file in another format version than the
     * original (a newer distill4j) and every other number of the stage is the same, the sizes that count the
     * file's own bytes are shown but not counted, and a warning says so; otherwise they count like the rest.
     */
    static List<Row> stageRows(String prefix, Map<String, Object> a, Map<String, Object> b, List<String> warnings) {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Object> f : a.entrySet()) {
            Object v = f.getValue();
            if ((v instanceof Number || v instanceof Boolean) && !StageReport.isTiming(f.getKey())) {
                rows.add(row(prefix + f.getKey(), v, b == null ? null : b.get(f.getKey())));
            }
        }
        Object fa = StageReport.formatVersion(a);
        Object fb = b == null ? fa : StageReport.formatVersion(b);
        if (Objects.equals(fa, fb)) {
            return rows;
        }
        boolean restSame = rows.stream().allMatch(r -> r.same() || formatDependent(prefix, r));
        warnings.add(prefix + StageReport.FORMAT_VERSION + " differs: " + fa + " then, " + fb + " now (a different "
                + "file format: " + (restSame ? "its size metrics differ by the format alone and are not counted)"
                : "its size metrics count, since other metrics of the stage differ too)"));
        String explained = "file format " + fa + " then, " + fb + " now";
        return restSame ? rows.stream().map(r -> r.same() ? r
                : new Row(r.metric(), r.original(), r.reproduced(), false, explained)).toList() : rows;
    }

    private static boolean formatDependent(String prefix, Row r) {
        return StageReport.isFormatDependent(r.metric().substring(prefix.length()));
    }

    private static Row row(String metric, Object a, Object b) {
        return new Row(metric, String.valueOf(a), b == null ? "-" : String.valueOf(b), Objects.equals(a, b));
    }

    private static String brief(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "-";
        }
        String s = n.isTextual() ? n.asText() : n.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static List<String> metricLines(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        Path f = run.resolve("metrics.jsonl");
        if (!Files.isRegularFile(f)) {
            return out;
        }
        for (String l : Files.readAllLines(f)) {
            if (l.isBlank()) {
                continue;
            }
            ObjectNode n = (ObjectNode) Json.MAPPER.readTree(l);
            n.remove(TIMING);
            out.add(n.toString());
        }
        return out;
    }

    /**
     * A warning when {@code run}'s {@code config.resolved.yaml} is not the one it ran (its SHA-256 differs from the
     * one provenance.json recorded); null when it is, or the run is older than the recorded hash.
     */
    public static String configEdited(Path run) throws IOException {
        String recorded = Json.MAPPER.readTree(run.resolve(RunProvenance.FILE).toFile()).path("config_sha256")
                .asText(null);
        if (recorded == null) {
            return null;
        }
        String now = RunDirectory.sha256(Files.readString(run.resolve("config.resolved.yaml")));
        return now.equals(recorded) ? null : "config.resolved.yaml was changed after the run (sha256 "
                + now.substring(0, 12) + " != " + recorded.substring(0, Math.min(12, recorded.length()))
                + " recorded): the reproduction runs the edited config, so its metrics may differ for that reason";
    }

    /** The checked inputs of a run directory: its resolved config text and its provenance. */
    public static Map.Entry<String, JsonNode> inputs(Path run) throws IOException {
        Path cfg = run.resolve("config.resolved.yaml");
        Path prov = run.resolve("provenance.json");
        if (!Files.isRegularFile(cfg) || !Files.isRegularFile(prov)
                || !Files.isRegularFile(run.resolve("summary.json"))) {
            throw new InputException(InputException.Kind.ARGUMENT, run + " is not a completed run directory (needs "
                    + "config.resolved.yaml, "
                    + "provenance.json, summary.json)");
        }
        return Map.entry(Files.readString(cfg), Json.MAPPER.readTree(prov.toFile()));
    }
}
