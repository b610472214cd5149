package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.EnumSet;
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
            throw new ConfigException("name", "must start with a letter, digit or '_' and hold only letters, digits, "
                    + "'.', '_' or '-', got '" + name + "'");
        }
        if (name.length() > 100) {
            throw new ConfigException("name", "must be at most 100 characters (it names a folder), got "
                    + name.length());
        }
        if (dataset == null) {
            throw new ConfigException("dataset", "missing");
        }
        stages = Check.nonEmpty("stages", stages);
        if (output == null) {
            output = new OutputConfig("experiments", true);
        }
        if (student != null && student.isOnnx()) {
            throw new ConfigException("student.load", "an ONNX model runs in ONNX Runtime and cannot be trained or "
                    + "compressed; only the teacher may be ONNX (build the student from arch:, or load a DL4J zip)");
        }
        stages = checkStageOrder(teacher, student, dataset, stages);
        if (teacher != null && teacher.isOnnx()) {
            checkOnnxTeacherUse(teacher, stages);
        }
    }

    /**
     * An ONNX teacher only gives logits, in inference: a stage that would train or compress it, export it, or match
     * its intermediate layers is a config error at the key that asks for it.
     */
    private static void checkOnnxTeacherUse(ModelConfig teacher, List<StageConfig> stages) {
        String why = "the teacher is an ONNX model (teacher.load: " + teacher.load() + ") that ONNX Runtime runs; ";
        for (int i = 0; i < stages.size(); i++) {
            StageConfig s = stages.get(i);
            String at = "stages[" + i + "]";
            for (SlotUse u : s.writes()) {
                if (u.slot() == ModelSlot.TEACHER) {
                    throw new ConfigException(u.key() == null ? at : at + "." + u.key(), why + "it is never trained or "
                            + "compressed (" + s.type() + " would); train a DL4J teacher with arch: instead");
                }
            }
            for (SlotUse u : s.reads()) {
                if (u.slot() == ModelSlot.TEACHER && u.key() != null && !s.onlyRuns(ModelSlot.TEACHER)) {
                    throw new ConfigException(at + "." + u.key(), why + s.type() + " cannot work on it");
                }
            }
            if (s instanceof WithLoss w && w.loss().featureBased()) {
                throw new ConfigException(at + ".loss", why + "it gives only its logits, and '" + w.loss().type()
                        + "' matches intermediate layers; use kd, dkd or dist");
            }
        }
    }

    /** The {@code teacher:} or {@code student:} section that describes the network in {@code slot}, or null. */
    public ModelConfig model(ModelSlot slot) {
        return slot == ModelSlot.TEACHER ? teacher : student;
    }

    /**
     * The slots this run holds a model in: loaded ones and every slot a stage reads or hands on. The pipeline builds or
     * loads exactly these before the run starts.
     */
    public Set<ModelSlot> slotsUsed() {
        Set<ModelSlot> used = EnumSet.noneOf(ModelSlot.class);
        used.addAll(loaded(teacher, student));
        for (StageConfig s : stages) {
            s.reads().forEach(u -> used.add(u.slot()));
            s.writes().forEach(u -> used.add(u.slot()));
        }
        return used;
    }

    private static Set<ModelSlot> loaded(ModelConfig teacher, ModelConfig student) {
        Set<ModelSlot> ready = EnumSet.noneOf(ModelSlot.class);
        if (teacher != null && teacher.load() != null) {
            ready.add(ModelSlot.TEACHER);
        }
        if (student != null && student.load() != null) {
            ready.add(ModelSlot.STUDENT);
        }
        return ready;
    }

    /**
     * Validates the order from the stages' slot declarations (what each reads must be ready; what each hands on must
     * have a config section) and returns the stages as {@link StageConfig#resolve} completes them.
     */
    private static List<StageConfig> checkStageOrder(ModelConfig teacher, ModelConfig student, DatasetConfig dataset,
                                                     List<StageConfig> stages) {
        List<StageConfig> out = new ArrayList<>();
        Set<ModelSlot> ready = loaded(teacher, student);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < stages.size(); i++) {
            String at = "stages[" + i + "]";
            StageConfig s;
            try {
                s = stages.get(i).resolve(dataset, Set.copyOf(ready));
            } catch (ConfigException e) {
                throw e.isRelative() ? e.under(at) : e;
            }
            if (!s.name().matches("[A-Za-z0-9_][A-Za-z0-9_-]*")) {
                throw new ConfigException(at + ".name",
                        "must start with a letter, digit or '_' and hold only letters, digits, "
                        + "'_' or '-', got '" + s.name() + "'");
            }
            if (!names.add(s.name())) {
                throw new ConfigException(at + ".name", "duplicate stage name '" + s.name()
                        + "'; give each stage a unique name");
            }
            for (SlotUse u : s.reads()) {
                if (!ready.contains(u.slot())) {
                    throw notReady(s, u, at);
                }
            }
            for (SlotUse u : s.writes()) {
                if ((u.slot() == ModelSlot.TEACHER ? teacher : student) == null) {
                    String section = u.slot().section();
                    throw u.key() == null ? new ConfigException(at, s.type() + " needs a '" + section + ":' section")
                            : new ConfigException(at + "." + u.key(), s.type() + " hands on the " + u.slot().yaml()
                            + " but the config has no '" + section + ":' section");
                }
            }
            s.writes().forEach(u -> ready.add(u.slot()));
            out.add(s);
        }
        return List.copyOf(out);
    }

    private static ConfigException notReady(StageConfig s, SlotUse u, String at) {
        String slot = u.slot().yaml();
        if (u.key() == null) {
            return new ConfigException(at, s.type() + " needs a " + slot + ": add a train stage with 'model: " + slot
                    + "' before it"
                    + (u.slot() == ModelSlot.BASELINE ? "" : ", or set " + u.slot().section() + ".load"));
        }
        if (u.key().endsWith("]")) {
            return new ConfigException(at + "." + u.key(),
                    "'" + slot + "' is not trained or loaded by any earlier stage");
        }
        return new ConfigException(at + "." + u.key(), s.type() + " works on the " + slot
                + ", which no earlier stage trains or loads");
    }
}
