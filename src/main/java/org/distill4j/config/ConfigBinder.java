package org.distill4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Binds a merged YAML tree to {@link RunConfig}, key by key, with every default stated here. Type names
 * ({@code type:}, {@code arch:}) map to binders in two fixed tables; nothing in a config ever names a class.
 */
public final class ConfigBinder {
    private static final Map<String, Function<Obj, StageConfig>> STAGES = new LinkedHashMap<>();
    private static final Map<String, Function<Obj, ArchSpec>> ARCHS = new LinkedHashMap<>();

    static {
        STAGES.put(TrainStageConfig.TYPE, o -> o.build(() -> new TrainStageConfig(o.str("name", null),
                o.enumValue("model", ModelSlot.class, null), o.integer("epochs", 1), o.integer("batch_size", 128), optimizer(o))));
        STAGES.put(DistillStageConfig.TYPE, o -> o.build(() -> new DistillStageConfig(o.str("name", null),
                o.dbl("temperature", 4.0), o.dbl("alpha", 0.9), o.enumValue("cache_teacher", DistillStageConfig.CacheTeacher.class, null),
                o.integer("epochs", 1), o.integer("batch_size", 128), optimizer(o))));
        STAGES.put(EvaluateStageConfig.TYPE, o -> o.build(() -> new EvaluateStageConfig(o.str("name", null),
                slots(o, "models"), o.integer("batch_size", 128))));
        STAGES.put(PruneStageConfig.TYPE, o -> o.build(() -> new PruneStageConfig(o.str("name", null),
                o.enumValue("model", ModelSlot.class, null), o.enumValue("structure", PruneStageConfig.Structure.class, null),
                o.enumValue("norm", PruneStageConfig.Norm.class, null), o.dbl("sparsity", null) == null ? missing(o, "sparsity") : o.dbl("sparsity", null),
                perKindDouble(o.obj("sparsity_by_kind")), o.dbl("initial_sparsity", 0.0),
                o.enumValue("scope", PruneStageConfig.Scope.class, null), o.strList("skip", null),
                o.integer("begin", 0), o.integer("end", null), o.integer("frequency", 50), finetune(o))));
        STAGES.put(QuantizeStageConfig.TYPE, o -> o.build(() -> new QuantizeStageConfig(o.str("name", null),
                o.enumValue("model", ModelSlot.class, null), o.integer("bits", 8), perKindInt(o.obj("bits_by_kind")),
                o.integer("activation_bits", 8), o.dbl("ema_decay", 0.99), o.integer("freeze_after", null), o.bool("fold_batchnorm", true),
                o.strList("skip", null), finetune(o))));
        STAGES.put(LowRankStageConfig.TYPE, o -> o.build(() -> new LowRankStageConfig(o.str("name", null),
                o.enumValue("model", ModelSlot.class, null), o.integer("rank", null), o.dbl("energy", null), o.strList("skip", null), finetune(o))));
        STAGES.put(ExportStageConfig.TYPE, o -> o.build(() -> new ExportStageConfig(o.str("name", null),
                o.enumValue("model", ModelSlot.class, null), o.bool("huffman", true))));

        ARCHS.put(MlpSpec.ARCH, o -> o.build(() -> new MlpSpec(o.intList("hidden", null),
                o.enumValue("activation", Activation.class, null), o.dbl("dropout", 0.0))));
        ARCHS.put(LeNet5Spec.ARCH, o -> o.build(() -> new LeNet5Spec(o.enumValue("activation", Activation.class, null))));
        ARCHS.put(ResNetSpec.ARCH, o -> o.build(() -> new ResNetSpec(o.integer("depth", 20), o.integer("width", 16))));
        ARCHS.put(LayersSpec.ARCH, o -> o.build(() -> new LayersSpec(o.objList("layers", ConfigBinder::layer))));
    }

    private ConfigBinder() {
    }

    /** Known stage types, sorted. */
    public static List<String> stageTypes() {
        return new ArrayList<>(new java.util.TreeSet<>(STAGES.keySet()));
    }

    /** Known architectures, sorted. */
    public static List<String> archNames() {
        return new ArrayList<>(new java.util.TreeSet<>(ARCHS.keySet()));
    }

    /** @param defaultName the run name when the file gives none (its file name) */
    public static RunConfig bind(JsonNode root, String defaultName) {
        Obj o = new Obj("", root);
        return o.build(() -> new RunConfig(o.integer("version", null) == null ? missingVersion() : o.integer("version", null),
                o.str("name", defaultName), o.lng("seed", 42L), dataset(o.obj("dataset")),
                o.has("teacher") ? model(o.obj("teacher")) : null,
                o.has("student") ? model(o.obj("student")) : null,
                o.objList("stages", ConfigBinder::stage), output(o.obj("output"))));
    }

    private static int missingVersion() {
        throw new ConfigException("version", "missing; this distill4j reads 'version: " + RunConfig.SCHEMA_VERSION + "'");
    }

    private static DatasetConfig dataset(Obj o) {
        return o.build(() -> new DatasetConfig(o.str("name", null), o.str("path", null), o.dbl("validation", 0.1), augment(o.obj("augment"))));
    }

    private static AugmentConfig augment(Obj o) {
        return o.build(() -> new AugmentConfig(o.bool("flip", false), o.integer("shift", 0)));
    }

    private static ModelConfig model(Obj o) {
        return o.build(() -> {
            String load = o.str("load", null);
            if (load != null && !o.has("arch")) {
                return new ModelConfig(null, load);
            }
            ArchSpec arch = o.has("arch") || load == null ? o.pick("arch", ARCHS, "architecture").apply(withoutKey(o, "arch", "load")) : null;
            return new ModelConfig(arch, load);
        });
    }

    /** The same mapping minus the discriminator keys, for the type-specific binder (which rejects unknown keys itself). */
    private static Obj withoutKey(Obj o, String... keys) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = ((com.fasterxml.jackson.databind.node.ObjectNode) o.rawTree()).deepCopy();
        for (String k : keys) {
            copy.remove(k);
        }
        o.markAllAsked();
        return new Obj(o.path, copy);
    }

    private static StageConfig stage(Obj o) {
        return o.pick("type", STAGES, "stage type").apply(withoutKey(o, "type"));
    }

    private static LayerSpec layer(Obj o) {
        return o.build(() -> new LayerSpec(o.enumValue("type", LayerSpec.Type.class, null), o.integer("units", null),
                o.integer("filters", null), o.integer("kernel", null), o.integer("stride", null),
                o.enumValue("padding", LayerSpec.Padding.class, null), o.enumValue("activation", Activation.class, null),
                o.enumValue("pool", LayerSpec.PoolKind.class, null), o.dbl("rate", null)));
    }

    private static double missing(Obj o, String key) {
        throw new ConfigException(o.at(key), "missing");
    }

    /** The fine-tuning keys a compression stage shares: budget, optimizer, and distillation when a teacher exists. */
    private static FinetuneConfig finetune(Obj o) {
        return new FinetuneConfig(o.integer("epochs", 1), o.integer("batch_size", 128), optimizer(o), o.bool("distill", true),
                o.dbl("temperature", 4.0), o.dbl("alpha", 0.9));
    }

    private static PerKind<Double> perKindDouble(Obj o) {
        return o.build(() -> new PerKind<>(o.dbl("conv", null), o.dbl("dense", null), o.dbl("output", null)));
    }

    private static PerKind<Integer> perKindInt(Obj o) {
        return o.build(() -> new PerKind<>(o.integer("conv", null), o.integer("dense", null), o.integer("output", null)));
    }

    private static OptimizerConfig optimizer(Obj stage) {
        Obj o = stage.obj("optimizer");
        return o.build(() -> new OptimizerConfig(o.enumValue("type", OptimizerConfig.Type.class, OptimizerConfig.Type.ADAM),
                o.dbl("lr", 1e-3), o.dbl("momentum", 0.9), o.dbl("weight_decay", 0.0), schedule(o.obj("schedule"))));
    }

    private static ScheduleConfig schedule(Obj o) {
        return o.build(() -> new ScheduleConfig(o.enumValue("type", ScheduleConfig.Type.class, ScheduleConfig.Type.NONE),
                o.integer("step_epochs", 1), o.dbl("gamma", 0.1), o.dbl("min_lr", 0.0)));
    }

    private static List<ModelSlot> slots(Obj o, String key) {
        List<String> names = o.strList(key, List.of());
        List<ModelSlot> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            ModelSlot found = null;
            for (ModelSlot s : ModelSlot.values()) {
                if (s.yaml().equals(n)) {
                    found = s;
                }
            }
            if (found == null) {
                throw new ConfigException(o.at(key) + "[" + i + "]", "unknown model '" + n + "'; allowed: teacher, baseline, student");
            }
            out.add(found);
        }
        return out;
    }

    private static OutputConfig output(Obj o) {
        return o.build(() -> new OutputConfig(o.str("dir", "experiments"), o.bool("save_models", true)));
    }
}
