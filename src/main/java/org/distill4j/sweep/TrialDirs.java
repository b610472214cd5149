package org.distill4j.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.distill4j.run.Json;
import org.distill4j.run.RunProvenance;
import org.distill4j.run.RunSummary;

/**
 * A trial's directory, {@code trials/<id>/}: its {@code config.yaml}, its {@code trial.log} (the trial JVM's output),
 * and the run directory the trial makes below {@code <sweep-name>-<id>/}. What a trial did is read from there, so
 * the local and the Slurm executor judge a trial the same way.
 */
public final class TrialDirs {
    public static final String CONFIG = "config.yaml";
    public static final String LOG = "trial.log";
    /**
     * Present when the sweep repeats each trial ({@code repeat: N}): the number N. The trial's runs are then
     * {@code r0 .. r<N−1>} below its directory (seeds as {@code train --repeat} derives them), its
     * {@code aggregate.json} sits beside them, and its metrics are the runs' means.
     */
    public static final String REPEAT = "repeat.txt";

    private TrialDirs() {
    }

    /** What a finished trial process left behind. */
    public record Outcome(Trial.Status status, String reason, Path runDir, Map<String, Double> metrics) {
    }

    /** The newest run directory below {@code trialDir} (one with a provenance.json), or null. */
    public static Path latestRun(Path trialDir) throws IOException {
        if (!Files.isDirectory(trialDir)) {
            return null;
        }
        List<Path> runs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(trialDir, 2)) {
            s.filter(p -> Files.isRegularFile(p.resolve("provenance.json"))).forEach(runs::add);
        }
        return runs.stream().max(java.util.Comparator.comparing(p -> p.getFileName().toString())).orElse(null);
    }

    /**
     * Judges a trial whose process has ended. {@code exitNote} says how the process ended when known
     * ("exit code 1", "Slurm TIMEOUT", ...); it is the reason when the run itself says nothing.
     */
    public static Outcome read(Path trialDir, String exitNote) throws IOException {
        if (repeats(trialDir) > 1) {
            return readRepeat(trialDir, exitNote);
        }
        Path run = latestRun(trialDir);
        return read(trialDir, run, run == null ? null : RunProvenance.read(run), exitNote);
    }

    /** {@link #read} of a trial whose newest run (null: none) and that run's provenance are known. */
    private static Outcome read(Path trialDir, Path run, RunProvenance prov, String exitNote) throws IOException {
        if (run != null) {
            if (prov.status() == RunProvenance.Status.COMPLETED && Files.isRegularFile(run.resolve(RunSummary.FILE))) {
                return new Outcome(Trial.Status.COMPLETED, null, run,
                        flatten(Json.MAPPER.readTree(run.resolve(RunSummary.FILE).toFile())));
            }
            if (prov.status() == RunProvenance.Status.FAILED) {
                return new Outcome(Trial.Status.FAILED, prov.error() == null ? "failed" : prov.error(), run, null);
            }
            return stopped(trialDir, exitNote, run);
        }
        TrialError err = TrialError.read(trialDir);
        return new Outcome(Trial.Status.FAILED,
                err != null ? err.error() : (exitNote == null ? "no run directory" : exitNote)
                + "; last log line: " + lastLine(trialDir.resolve(LOG)), null, null);
    }

    /**
     * What a trial that is not running left behind, when it has a run that ended (completed or failed); null when
     * it has none or its run was interrupted (then it runs again).
     */
    public static Outcome ended(Path trialDir) throws IOException {
        if (repeats(trialDir) > 1) {
            Outcome o = readRepeat(trialDir, null);
            return o.status() == Trial.Status.COMPLETED || o.runDir() != null ? o : null;
        }
        Path run = latestRun(trialDir);
        if (run == null) {
            return null;
        }
        RunProvenance prov = RunProvenance.read(run);
        return prov.status() != RunProvenance.Status.RUNNING && prov.status() != RunProvenance.Status.INTERRUPTED
                ? read(trialDir, run, prov, null) : null;
    }

    /** How many runs the trial makes: the number in {@link #REPEAT}, or 1. */
    public static int repeats(Path trialDir) throws IOException {
        Path f = trialDir.resolve(REPEAT);
        return Files.isRegularFile(f) ? Integer.parseInt(Files.readString(f).strip()) : 1;
    }

    /** Run {@code i}'s directory in a repeated trial. */
    public static Path repeatRun(Path trialDir, int i) {
        return trialDir.resolve(org.distill4j.pipeline.Repeats.runName(i));
    }

    /**
     * A repeated trial: completed when its {@code aggregate.json} says every run completed — its metrics are then each
     * summary metric's mean over the runs (what the objective reads) and the aggregate's figures under
     * {@code repeat.} ({@code repeat.distillation_gain.ci_low}, ...); failed with the first failed run's error (its
     * directory as the outcome's run); otherwise stopped, with no run (it runs again, continuing its runs).
     */
    static Outcome readRepeat(Path trialDir, String exitNote) throws IOException {
        int n = repeats(trialDir);
        Path agg = trialDir.resolve(org.distill4j.run.RepeatSummary.FILE);
        if (Files.isRegularFile(agg)) {
            org.distill4j.run.RepeatSummary s = org.distill4j.run.RepeatSummary.read(trialDir);
            if (s.runs().size() == n && s.runs().stream().allMatch(org.distill4j.run.RepeatSummary.Run::completed)) {
                List<Map<String, Double>> each = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    each.add(flatten(Json.MAPPER.readTree(repeatRun(trialDir, i).resolve(RunSummary.FILE).toFile())));
                }
                Map<String, Double> metrics = means(each);
                flatten(Json.MAPPER.valueToTree(s)).forEach((k, v) -> metrics.put("repeat." + k, v));
                return new Outcome(Trial.Status.COMPLETED, null, trialDir, metrics);
            }
        }
        for (int i = 0; i < n; i++) {
            Path run = repeatRun(trialDir, i);
            if (Files.isRegularFile(run.resolve(RunProvenance.FILE))) {
                RunProvenance prov = RunProvenance.read(run);
                if (prov.status() == RunProvenance.Status.FAILED) {
                    return new Outcome(Trial.Status.FAILED, "run r" + i + ": "
                            + (prov.error() == null ? "failed" : prov.error()), run, null);
                }
            }
        }
        return stopped(trialDir, exitNote, null);
    }

    /** A trial whose run ({@code run}, or null) was stopped while running: how it ended and its log's last line. */
    private static Outcome stopped(Path trialDir, String exitNote, Path run) throws IOException {
        return new Outcome(Trial.Status.FAILED, "stopped while running"
                + (exitNote == null ? "" : " (" + exitNote + ")") + "; last log line: "
                + lastLine(trialDir.resolve(LOG)), run, null);
    }

    /** Per key present in every map, the mean of its values. */
    static Map<String, Double> means(List<Map<String, Double>> each) {
        Map<String, Double> out = new TreeMap<>();
        for (String k : each.get(0).keySet()) {
            if (each.stream().allMatch(m -> m.containsKey(k))) {
                out.put(k, each.stream().mapToDouble(m -> m.get(k)).average().orElseThrow());
            }
        }
        return out;
    }

    /** Every number in a JSON tree by dotted path ({@code models.student.test_accuracy}); booleans as 0/1. */
    public static Map<String, Double> flatten(JsonNode root) {
        Map<String, Double> out = new TreeMap<>();
        flatten("", root, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode n, Map<String, Double> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (n.isNumber()) {
            out.put(prefix, n.doubleValue());
        } else if (n.isBoolean()) {
            out.put(prefix, n.booleanValue() ? 1.0 : 0.0);
        }
    }

    static String lastLine(Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            return "(no " + LOG + ")";
        }
        List<String> lines = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i).strip();
            if (!l.isEmpty()) {
                return l.length() > 300 ? l.substring(0, 300) + "..." : l;
            }
        }
        return "(empty)";
    }
}
