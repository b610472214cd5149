package org.distill4j.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A completed run's {@code summary.json}: each evaluated model's result by slot, the distilled student's gain over
 * the baseline, each stage's report by stage name, and the run's wall time. Written by the pipeline; read by the
 * sweep, {@code report} and {@code reproduce} through {@link #read}.
 */
@JsonPropertyOrder(alphabetic = true)
public record RunSummary(String name, @JsonProperty("run_dir") String runDir, Map<String, ModelResult> models,
                         @JsonInclude(JsonInclude.Include.NON_NULL)
                         @JsonProperty("distillation_gain") Double distillationGain,
                         Map<String, StageReport> stages, @JsonProperty("wall_s") double wallSeconds) {
    public static final String FILE = "summary.json";

    public RunSummary {
        models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
        stages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stages));
    }

    /** Distilled student minus baseline test accuracy, when both were evaluated; else null. */
    public static Double gain(Map<String, ModelResult> models) {
        ModelResult s = models.get("student");
        ModelResult b = models.get("baseline");
        return s == null || b == null ? null : s.testAccuracy() - b.testAccuracy();
    }

    /** Reads {@code summary.json} of the run directory {@code dir}. */
    public static RunSummary read(Path dir) throws IOException {
        JsonNode n = Json.MAPPER.readTree(dir.resolve(FILE).toFile());
        Map<String, ModelResult> models = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("models").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            models.put(e.getKey(), Json.MAPPER.treeToValue(e.getValue(), ModelResult.class));
        }
        Map<String, StageReport> stages = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("stages").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            stages.put(e.getKey(), StageReport.fromJson(e.getValue()));
        }
        return new RunSummary(n.path("name").asText(), n.path("run_dir").asText(), models,
                n.hasNonNull("distillation_gain") ? n.get("distillation_gain").asDouble() : null, stages,
                n.path("wall_s").asDouble());
    }
}
