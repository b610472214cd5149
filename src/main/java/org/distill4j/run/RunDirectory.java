package org.distill4j.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code <output>/<config-name>/<yyyyMMdd-HHmmss>-<hash>/}: everything a run leaves behind. {@code hash} is
 * the first 7 hex digits of the SHA-256 of the resolved config, so runs of the same config share a suffix.
 * Every file is written atomically; {@code metrics.jsonl} is rewritten whole on each append.
 */
public final class RunDirectory {
    private final Path dir;
    private final List<String> metricLines = new ArrayList<>();

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    public static RunDirectory create(Path outputRoot, String configName, String resolvedConfig) throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String hash = sha256(resolvedConfig).substring(0, 7);
        Path parent = outputRoot.resolve(configName);
        Files.createDirectories(parent);
        Path dir = parent.resolve(stamp + "-" + hash);
        for (int i = 2; ; i++) {
            try {
                Files.createDirectory(dir);
                break;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                dir = parent.resolve(stamp + "-" + hash + "-" + i);
            }
        }
        return new RunDirectory(dir);
    }

    /** An existing run directory (to resume it); its metrics lines are kept. */
    public static RunDirectory open(Path dir) throws IOException {
        RunDirectory rd = new RunDirectory(dir);
        Path m = dir.resolve("metrics.jsonl");
        if (Files.isRegularFile(m)) {
            for (String l : Files.readAllLines(m)) {
                if (!l.isBlank()) {
                    rd.metricLines.add(l);
                }
            }
        }
        return rd;
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
