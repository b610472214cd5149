package org.distill4j.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.config.InputException;

/**
 * {@code <output>/<config-name>/<yyyyMMdd-HHmmss>-<hash>/}: everything a run leaves behind. {@code hash} is
 * the first 7 hex digits of the SHA-256 of the resolved config, so runs of the same config share a suffix.
 * Every file is written atomically; {@code metrics.jsonl} is rewritten whole on each append.
 */
public final class RunDirectory {
    private final Path dir;
    static final String METRICS = "metrics.jsonl";
    private final List<String> metricLines = new ArrayList<>();
    private String droppedMetricsLine;

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    public static RunDirectory create(Path outputRoot, String configName, String resolvedConfig) throws IOException {
        return new RunDirectory(createNew(outputRoot.resolve(configName), "", resolvedConfig));
    }

    /**
     * A new, empty run directory at {@code dir} (its parent exists), for a run whose place is chosen by its caller
     * (one run of a repeat); a {@code dir} that exists already is an error.
     */
    public static RunDirectory createAt(Path dir) throws IOException {
        Files.createDirectory(dir);
        return new RunDirectory(dir);
    }

    /**
     * {@code <output>/<config-name>/repeat-<yyyyMMdd-HHmmss>-<hash>/}: a new folder for the runs of one
     * {@code train --repeat}; {@code hash} is that of the resolved config the repeats share (before their seeds).
     */
    public static Path createRepeat(Path outputRoot, String configName, String resolvedConfig) throws IOException {
        return createNew(outputRoot.resolve(configName), REPEAT_PREFIX, resolvedConfig);
    }

    /** The prefix of a {@link #createRepeat repeat folder}'s name. */
    public static final String REPEAT_PREFIX = "repeat-";

    /**
     * The {@code output.dir} a run directory was made in: two levels up ({@code <output>/<config-name>/<run>}), three
     * for one run of a repeat ({@code <output>/<config-name>/repeat-.../<run>}).
     */
    public static Path outputRoot(Path runDir) {
        Path parent = runDir.toAbsolutePath().normalize().getParent();
        boolean repeat = parent.getFileName().toString().startsWith(REPEAT_PREFIX);
        return repeat ? parent.getParent().getParent() : parent.getParent();
    }

    /** A new folder {@code <prefix><stamp>-<hash>} in {@code parent}, with {@code -2}, {@code -3}... if taken. */
    private static Path createNew(Path parent, String prefix, String resolvedConfig) throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String hash = sha256(resolvedConfig).substring(0, 7);
        Files.createDirectories(parent);
        Path dir = parent.resolve(prefix + stamp + "-" + hash);
        for (int i = 2; ; i++) {
            try {
                Files.createDirectory(dir);
                return dir;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                dir = parent.resolve(prefix + stamp + "-" + hash + "-" + i);
            }
        }
    }

    /**
     * An existing run directory (to resume it); its metrics lines are kept. A last line cut short (the process died
     * while it was written: no newline after it, not JSON) is left out and named by {@link #droppedMetricsLine};
     * any other line that is not a JSON object is a one-line {@link InputException} naming the file and line.
     */
    public static RunDirectory open(Path dir) throws IOException {
        RunDirectory rd = new RunDirectory(dir);
        Path m = dir.resolve(METRICS);
        if (Files.isRegularFile(m)) {
            String text = Files.readString(m);
            List<String> lines = text.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.isBlank()) {
                    continue;
                }
                try {
                    if (!Json.MAPPER.readTree(l).isObject()) {
                        throw new InputException(InputException.Kind.ARGUMENT, m + ": line " + (i + 1)
                                + " is not a JSON object; fix or delete that line, then resume again");
                    }
                } catch (JsonProcessingException e) {
                    if (i == lines.size() - 1 && !text.endsWith("\n")) {
                        rd.droppedMetricsLine = l;
                        continue;
                    }
                    throw new InputException(InputException.Kind.ARGUMENT, m + ": line " + (i + 1) + " is damaged ("
                            + Json.problem(e).replaceFirst(" at line 1, column", " at column")
                            .replaceFirst(" at line 1\\b", "") + "); fix or delete that line, then "
                            + "resume again", e);
                }
                rd.metricLines.add(l);
            }
        }
        return rd;
    }

    /**
     * The last line of {@code metrics.jsonl} that {@link #open} left out because it was cut short, or null. The file
     * still has it until {@link #rewriteMetrics}.
     */
    public String droppedMetricsLine() {
        return droppedMetricsLine;
    }

    /** Writes {@code metrics.jsonl} again from the lines kept (after {@link #open} dropped one). */
    public synchronized void rewriteMetrics() throws IOException {
        AtomicFiles.writeString(dir.resolve(METRICS),
                metricLines.isEmpty() ? "" : String.join("\n", metricLines) + "\n");
    }

    /**
     * Drops the metrics lines that fail {@code keep} (lines a killed run wrote past its last checkpoint); {@code keep}
     * sees null for a line that is not an epoch record.
     */
    public synchronized void retainMetrics(java.util.function.Predicate<MetricsLine> keep) throws IOException {
        List<String> kept = new ArrayList<>();
        for (String l : metricLines) {
            if (keep.test(MetricsLine.fromJson(Json.MAPPER.readTree(l)))) {
                kept.add(l);
            }
        }
        if (kept.size() != metricLines.size()) {
            metricLines.clear();
            metricLines.addAll(kept);
            AtomicFiles.writeString(dir.resolve("metrics.jsonl"),
                    metricLines.isEmpty() ? "" : String.join("\n", metricLines) + "\n");
        }
    }

    /** The sum of {@code key} over {@code stage}'s lines in {@code metrics.jsonl}; NaN when no line has it. */
    public synchronized double sumMetric(String stage, String key) throws IOException {
        double sum = 0;
        boolean any = false;
        for (String l : metricLines) {
            MetricsLine m = MetricsLine.fromJson(Json.MAPPER.readTree(l));
            Double v = m == null || !m.stage().equals(stage) ? null : m.number(key);
            if (v != null) {
                sum += v;
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }

    /** The stages that have lines in {@code metrics.jsonl}. */
    public synchronized java.util.Set<String> metricsStages() throws IOException {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String l : metricLines) {
            MetricsLine m = MetricsLine.fromJson(Json.MAPPER.readTree(l));
            if (m != null) {
                out.add(m.stage());
            }
        }
        return out;
    }

    public static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path path() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    public void writeString(String name, String content) throws IOException {
        AtomicFiles.writeString(dir.resolve(name), content);
    }

    public void writeJson(String name, Object value) throws IOException {
        Json.write(dir.resolve(name), value);
    }

    /** Appends one JSON line to {@code metrics.jsonl} (the file is replaced atomically). */
    public synchronized void appendMetrics(MetricsLine line) throws IOException {
        metricLines.add(Json.line(line.toMap()));
        AtomicFiles.writeString(dir.resolve("metrics.jsonl"), String.join("\n", metricLines) + "\n");
    }
}
