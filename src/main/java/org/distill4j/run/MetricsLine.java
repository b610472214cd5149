package org.distill4j.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One line of {@code metrics.jsonl}: a training stage's epoch. The fields every training stage writes are typed;
 * {@code extra} holds what a stage's hook adds (current sparsity, activation ranges). Written by the training loop,
 * read by {@code report}, {@code --resume} and the notebooks; keys are snake_case and sorted in the file.
 *
 * @param valAcc null without a validation split
 */
public record MetricsLine(String stage, String type, String model, int epoch, int epochs, long iterations, double lr,
                          double loss, double trainAcc, Double valAcc, double testAcc, double samplesPerSecond,
                          double epochTrainSeconds, double wallSeconds, Map<String, Object> extra) {
    private static final Set<String> TYPED = Set.of("stage", "type", "model", "epoch", "epochs",
            "iterations", "lr", "loss", "train_acc", "val_acc", "test_acc", "samples_per_s", "epoch_train_s", "wall_s");

    public MetricsLine {
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        for (String k : extra.keySet()) {
            if (TYPED.contains(k)) {
                throw new IllegalArgumentException("'" + k + "' is a typed field of a metrics line");
            }
        }
    }

    /** The line as written: every field under its JSON key (val_acc written as null when absent). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", stage);
        m.put("type", type);
        m.put("model", model);
        m.put("epoch", epoch);
        m.put("epochs", epochs);
        m.put("iterations", iterations);
        m.put("lr", lr);
        m.put("loss", loss);
        m.put("train_acc", trainAcc);
        m.put("val_acc", valAcc);
        m.put("test_acc", testAcc);
        m.put("samples_per_s", samplesPerSecond);
        m.put("epoch_train_s", epochTrainSeconds);
        m.put("wall_s", wallSeconds);
        m.putAll(extra);
        return m;
    }

    /**
     * A numeric field by its JSON key ({@code loss}, {@code val_acc}, an extra), or null when absent or not a number.
     */
    public Double number(String key) {
        Object v = toMap().get(key);
        return v instanceof Number n ? n.doubleValue() : null;
    }

    /** Reads a line; null when it is not an epoch record (no {@code stage} or {@code epoch}). */
    public static MetricsLine fromJson(JsonNode n) {
        if (!n.hasNonNull("stage") || !n.hasNonNull("epoch")) {
            return null;
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!TYPED.contains(e.getKey())) {
                extra.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class));
            }
        }
        return new MetricsLine(n.get("stage").asText(), n.path("type").asText(null), n.path("model").asText(null),
                n.get("epoch").asInt(), n.path("epochs").asInt(), n.path("iterations").asLong(),
                n.path("lr").asDouble(Double.NaN),
                n.path("loss").asDouble(Double.NaN), n.path("train_acc").asDouble(Double.NaN),
                n.hasNonNull("val_acc") ? n.get("val_acc").asDouble() : null, n.path("test_acc").asDouble(Double.NaN),
                n.path("samples_per_s").asDouble(Double.NaN), n.path("epoch_train_s").asDouble(Double.NaN),
                n.path("wall_s").asDouble(Double.NaN), extra);
    }
}
