package org.distill4j.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.RunConfig;
import org.distill4j.config.StageConfig;

/**
 * A completed run's {@code summary.json}: each evaluated model's result by slot, the distilled student's gain over
 * the baseline, each stage's report by stage name, and the run's wall time. Written by the pipeline; read by the
 * sweep, {@code report} and {@code reproduce} through {@link #read}.
 */
@JsonPropertyOrder(alphabetic = true)
public record RunSummary(String name, @JsonProperty("run_dir") String runDir, Map<String, ModelResult> models,
                         @JsonInclude(JsonInclude.Include.NON_NULL)
                         @JsonProperty("distillation_gain") Double distillationGain,
                         Map<String, StageReport> stages, @JsonProperty("wall_s") double wallSeconds,
                         @JsonInclude(JsonInclude.Include.NON_NULL) List<String> classes) {
    public static final String FILE = "summary.json";

    public RunSummary {
        models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
        stages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stages));
        classes = classes == null ? null : List.copyOf(classes);
    }

    /** A summary without the dataset's class names (as summaries written before they were recorded). */
    public RunSummary(String name, String runDir, Map<String, ModelResult> models, Double distillationGain,
                      Map<String, StageReport> stages, double wallSeconds) {
        this(name, runDir, models, distillationGain, stages, wallSeconds, null);
    }

    /** Distilled student minus baseline test accuracy, when both were evaluated; else null. */
    public static Double gain(Map<String, ModelResult> models) {
        ModelResult s = models.get("student");
        ModelResult b = models.get("baseline");
        return s == null || b == null ? null : s.testAccuracy() - b.testAccuracy();
    }

    /**
     * Why {@code metric}, a dotted path to a number in {@code summary.json}, cannot be one for a run of {@code base};
     * null when it can. The layout is known from this record and {@link ModelResult}; the stage names and model slots
     * from the config. A stage report's keys beyond the training fields are known only at run time, so a path into a
     * stage is checked up to the stage name.
     */
    public static String metricProblem(String metric, RunConfig base) {
        String[] seg = metric.split("\\.", -1);
        List<String> stageNames = base.stages().stream().map(StageConfig::name).toList();
        List<String> slots = base.slotsUsed().stream().map(ModelSlot::yaml).toList();
        String layout = "; summary.json holds models.<model>.<field>, stages.<stage>.<key>, distillation_gain, wall_s";
        switch (seg[0]) {
            case "wall_s", "distillation_gain" -> {
                return seg.length == 1 ? null : "'" + seg[0] + "' is a number, not a mapping" + layout;
            }
            case "models" -> {
                if (seg.length != 3) {
                    return "a model's result is models.<model>.<field>, e.g. models.student.test_accuracy";
                }
                if (!slots.contains(seg[1])) {
                    return "no model '" + seg[1] + "' in the base config; models: " + String.join(", ", slots);
                }
                List<String> fields = modelFields();
                return fields.contains(seg[2]) ? null : "'" + seg[2] + "' is not a number of a model's result; fields: "
                        + String.join(", ", fields);
            }
            case "stages" -> {
                if (seg.length < 3 || seg[2].isEmpty()) {
                    return "a stage's figure is stages.<stage>.<key>, e.g. stages.export.file_bytes";
                }
                return stageNames.contains(seg[1]) ? null : "no stage named '" + seg[1] + "' in the base config; "
                        + "stages: " + String.join(", ", stageNames);
            }
            default -> {
                return "'" + seg[0] + "' is not in summary.json" + layout;
            }
        }
    }

    /** The numeric fields of a model's result, by their names in {@code summary.json}. */
    static List<String> modelFields() {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : ModelResult.class.getRecordComponents()) {
            Class<?> t = c.getType();
            if (t.isPrimitive() || Number.class.isAssignableFrom(t)) {
                JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
                out.add(p != null ? p.value() : c.getName());
            }
        }
        return out;
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
                n.path("wall_s").asDouble(), n.has("classes") ? Json.MAPPER.convertValue(n.get("classes"),
                new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { }) : null);
    }
}
