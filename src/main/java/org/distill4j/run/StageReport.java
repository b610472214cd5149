package org.distill4j.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one stage reports in {@code summary.json} under {@code stages.<name>}: the training budget and outcome every
 * training stage shares (null for stages that do not train), plus the stage's own figures ({@code details}: sparsity,
 * bytes, accuracy before and after, ...) written beside them under their own keys.
 */
public record StageReport(Integer epochs, @JsonProperty("wall_s") Double wallSeconds,
                          @JsonProperty("train_s") Double trainSeconds,
                          @JsonProperty("train_samples_per_s") Double trainSamplesPerSecond,
                          @JsonProperty("final_loss") Double finalLoss, @JsonProperty("val_acc") Double valAccuracy,
                          Map<String, Object> details) {
    private static final Set<String> TRAINING = Set.of("epochs", "wall_s", "train_s",
            "train_samples_per_s", "final_loss", "val_acc");

    public StageReport {
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        for (String k : details.keySet()) {
            if (TRAINING.contains(k)) {
                throw new IllegalArgumentException("'" + k + "' is a training field, not a detail");
            }
        }
    }

    /** A report of a stage that does not train. */
    public static StageReport of(Map<String, Object> details) {
        return new StageReport(null, null, null, null, null, null, details);
    }

    /** This report with more details (later keys win). */
    public StageReport with(Map<String, Object> more) {
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.putAll(more);
        return new StageReport(epochs, wallSeconds, trainSeconds, trainSamplesPerSecond, finalLoss, valAccuracy, d);
    }

    /** This report with one more detail. */
    public StageReport with(String key, Object value) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(key, value);
        return with(d);
    }

    /**
     * The report as written: the training fields that are set and every detail, under one set of keys (sorted in
     * the file, as the summary always was). Details named for a time or a speed (a key ending in {@code _s},
     * holding {@code per_s}, or {@code speedup}) are measurements of the machine; {@code distill reproduce}
     * compares every other number.
     */
    @JsonValue
    public Map<String, Object> toMap() {
        Map<String, Object> m = new TreeMap<>(details);
        put(m, "epochs", epochs);
        put(m, "wall_s", wallSeconds);
        put(m, "train_s", trainSeconds);
        put(m, "train_samples_per_s", trainSamplesPerSecond);
        put(m, "final_loss", finalLoss);
        put(m, "val_acc", valAccuracy);
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    /**
     * The detail naming the version of the file format a stage wrote ({@code .d4jc}); a report without it is
     * from before the key existed, when every such file was version 1.
     */
    public static final String FORMAT_VERSION = "format_version";
    private static final Set<String> FORMAT_DEPENDENT = Set.of("file_bytes", "architecture_bytes", "ratio_file");

    /**
     * Whether a detail counts a written file's own bytes (its header and checksum included), so that it changes
     * with the file's format version as well as with the model.
     */
    public static boolean isFormatDependent(String key) {
        return FORMAT_DEPENDENT.contains(key);
    }

    /** The file format version a report names; 1 when it names none. */
    public static Object formatVersion(Map<String, Object> report) {
        return report.getOrDefault(FORMAT_VERSION, 1);
    }

    /** Whether a key names a time or a speed: a measurement of the machine, not a result of the run. */
    public static boolean isTiming(String key) {
        return key.endsWith("_s") || key.contains("per_s") || key.contains("speedup");
    }

    /** Reads a report as {@link #toMap} wrote it: the training fields typed, the details as plain JSON values. */
    public static StageReport fromJson(JsonNode n) {
        Map<String, Object> d = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!TRAINING.contains(e.getKey())) {
                d.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class));
            }
        }
        return new StageReport(n.hasNonNull("epochs") ? n.get("epochs").asInt() : null, num(n, "wall_s"),
                num(n, "train_s"), num(n, "train_samples_per_s"), num(n, "final_loss"), num(n, "val_acc"), d);
    }

    private static Double num(JsonNode n, String k) {
        return n.hasNonNull(k) ? n.get(k).asDouble() : null;
    }
}
