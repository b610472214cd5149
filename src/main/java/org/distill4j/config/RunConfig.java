package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A whole run, schema version 1: the root of a distill4j YAML file after {@code base:} merging and
 * {@code --set} overrides. The constructor checks that the stages make sense in their order (a model is
 * trained or loaded before anything uses it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"version", "name", "seed", "dataset", "teacher", "student", "stages", "output"})
public record RunConfig(int version, String name, long seed, DatasetConfig dataset, ModelConfig teacher,
                        ModelConfig student, List<StageConfig> stages, OutputConfig output) {
    public static final int SCHEMA_VERSION = 1;

    public RunConfig {
        if (version != SCHEMA_VERSION) {
            throw new ConfigException("version", "must be " + SCHEMA_VERSION + ", got " + version);
        }
        if (name == null || !name.matches("[A-Za-z0-9_][A-Za-z0-9._-]*")) {
            throw new ConfigException("name", "must start with a letter, digit or '_' and hold only letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        if (dataset == null) {
            throw new ConfigException("dataset", "missing");
        }
        stages = Check.nonEmpty("stages", stages);
        if (output == null) {
            output = new OutputConfig("experiments", true);
        }
        stages = checkStageOrder(teacher, student, stages);
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i) instanceof DistillStageConfig d && d.cacheTeacher() == DistillStageConfig.CacheTeacher.ALWAYS
                    && !dataset.augment().deterministic()) {
                throw new ConfigException("stages[" + i + "].cache_teacher", "cannot cache teacher logits with augmentation on (dataset.augment); use auto or never");
            }
        }
    }

    /** Validates the order and returns the stages with every evaluate stage's model list made explicit. */
    private static List<StageConfig> checkStageOrder(ModelConfig teacher, ModelConfig student, List<StageConfig> stages) {
        List<StageConfig> out = new java.util.ArrayList<>();
        Set<ModelSlot> ready = new HashSet<>();
        if (teacher != null && teacher.load() != null) {
            ready.add(ModelSlot.TEACHER);
        }
        if (student != null && student.load() != null) {
            ready.add(ModelSlot.STUDENT);
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < stages.size(); i++) {
            StageConfig s = stages.get(i);
            String at = "stages[" + i + "]";
            if (!s.name().matches("[A-Za-z0-9_][A-Za-z0-9_-]*")) {
                throw new ConfigException(at + ".name", "must start with a letter, digit or '_' and hold only letters, digits, '_' or '-', got '" + s.name() + "'");
            }
            if (!names.add(s.name())) {
                throw new ConfigException(at + ".name", "duplicate stage name '" + s.name() + "'; give each stage a unique name");
            }
            if (s instanceof TrainStageConfig t) {
                ModelConfig spec = t.model() == ModelSlot.TEACHER ? teacher : student;
                String section = t.model() == ModelSlot.TEACHER ? "teacher" : "student";
                if (spec == null) {
                    throw new ConfigException(at + ".model", "trains the " + t.model().yaml() + " but the config has no '" + section + ":' section");
                }
                ready.add(t.model());
            } else if (s instanceof DistillStageConfig) {
                if (!ready.contains(ModelSlot.TEACHER)) {
                    throw new ConfigException(at, "distill needs a teacher: add a train stage with 'model: teacher' before it, or set teacher.load");
                }
                if (student == null) {
                    throw new ConfigException(at, "distill needs a 'student:' section");
                }
                ready.add(ModelSlot.STUDENT);
            } else if (s instanceof PruneStageConfig || s instanceof QuantizeStageConfig || s instanceof LowRankStageConfig
                    || s instanceof ExportStageConfig) {
                ModelSlot m = s instanceof PruneStageConfig p ? p.model() : s instanceof QuantizeStageConfig q ? q.model()
                        : s instanceof LowRankStageConfig l ? l.model() : ((ExportStageConfig) s).model();
                if (!ready.contains(m)) {
                    throw new ConfigException(at + ".model", s.type() + " works on the " + m.yaml() + ", which no earlier stage trains or loads");
                }
            } else if (s instanceof EvaluateStageConfig e) {
                if (e.models().isEmpty()) {
                    List<ModelSlot> all = new java.util.ArrayList<>();
                    for (ModelSlot m : ModelSlot.values()) {
                        if (ready.contains(m)) {
                            all.add(m);
                        }
                    }
                    if (all.isEmpty()) {
                        throw new ConfigException(at, "nothing to evaluate: no earlier stage trains or loads a model");
                    }
                    s = new EvaluateStageConfig(e.name(), all, e.batchSize());
                }
                List<ModelSlot> models = ((EvaluateStageConfig) s).models();
                for (int j = 0; j < models.size(); j++) {
                    if (!ready.contains(models.get(j))) {
                        throw new ConfigException(at + ".models[" + j + "]", "'" + models.get(j).yaml() + "' is not trained or loaded by any earlier stage");
                    }
                }
            }
            out.add(s);
        }
        return List.copyOf(out);
    }
}
