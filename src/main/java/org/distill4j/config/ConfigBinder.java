package org.distill4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Binds a merged YAML tree to {@link RunConfig}, key by key, with every default stated where it is read. Type names
 * ({@code type:}, {@code arch:}, a loss's {@code type:}) map to the binders of the {@link Schema} the caller passes
 * (each in its type's own package); nothing in a config ever names a class. The helpers here serve those binders.
 */
public final class ConfigBinder {
    private ConfigBinder() {
    }

    /** @param defaultName the run name when the file gives none (its file name) */
    public static RunConfig bind(JsonNode root, String defaultName, Schema schema) {
        Obj o = new Obj("", root, schema);
        return o.build(() -> new RunConfig(
                o.integer("version", null) == null ? missingVersion() : o.integer("version", null),
                o.string("name", defaultName), o.longInteger("seed", 42L), dataset(o.obj("dataset")),
                o.has("teacher") ? model(o.obj("teacher")) : null,
                o.has("student") ? model(o.obj("student")) : null,
                o.objList("stages", ConfigBinder::stage), output(o.obj("output"))));
    }

    private static int missingVersion() {
        throw new ConfigException("version", "missing; this distill4j reads 'version: "
                + RunConfig.SCHEMA_VERSION + "'");
    }

    private static DatasetConfig dataset(Obj o) {
        return o.build(() -> new DatasetConfig(o.string("name", null), o.string("path", null),
                o.number("validation", 0.1), augment(o.obj("augment")), o.string("train", null),
                o.string("test", null), o.integer("height", null), o.integer("width", null),
                o.integer("channels", null), o.string("label", null), o.strList("classes", null),
                o.number("scale", null)));
    }

    private static AugmentConfig augment(Obj o) {
        return o.build(() -> new AugmentConfig(o.bool("flip", false), o.integer("shift", 0),
                o.number("mixup", 0.0), o.number("cutmix", 0.0)));
    }

    private static ModelConfig model(Obj o) {
        return o.build(() -> {
            String load = o.string("load", null);
            String format = o.string("format", load != null && ModelConfig.onnxName(load) ? "onnx" : "dl4j");
            if (!format.equals("onnx") && !format.equals("dl4j")) {
                throw new ConfigException(o.at("format"), "unknown value '" + format + "'; allowed: dl4j, onnx");
            }
            OnnxModelConfig onnx = null;
            if (format.equals("onnx")) {
                onnx = new OnnxModelConfig(o.string("input", null), o.string("output", null),
                        o.enumValue("layout", OnnxModelConfig.Layout.class, null), o.numList("mean", null),
                        o.numList("std", null), o.integer("threads", null));
            } else if (load != null && !o.has("arch")) {
                for (String k : OnnxModelConfig.KEYS) {
                    if (o.has(k)) {
                        throw new ConfigException(o.at(k), "only for an ONNX model (load: <model.onnx> or format: "
                                + "onnx); " + load + " loads as a DL4J model zip");
                    }
                }
            }
            if (load != null && !o.has("arch")) {
                return new ModelConfig(null, load, onnx);
            }
            ArchSpec arch = o.has("arch") || load == null ? o.pick("arch", o.schema().archs(), "architecture")
                    .apply(o.without("arch", "load", "format")) : null;
            return new ModelConfig(arch, load, onnx);
        });
    }

    private static StageConfig stage(Obj o) {
        return o.pick("type", o.schema().stages(), "stage type").apply(o.without("type"));
    }

    /** Binds a {@code layers:} element of the layer-list architecture. */
    public static LayerSpec layer(Obj o) {
        return o.build(() -> new LayerSpec(o.enumValue("type", LayerSpec.Type.class, null), o.integer("units", null),
                o.integer("filters", null), o.integer("kernel", null), o.integer("stride", null),
                o.enumValue("padding", LayerSpec.Padding.class, null),
                o.enumValue("activation", Activation.class, null),
                o.enumValue("pool", LayerSpec.PoolKind.class, null), o.number("rate", null)));
    }

    /** {@code value}, or a "missing" error at {@code key} when it is null. */
    public static <T> T required(Obj o, String key, T value) {
        if (value == null) {
            throw new ConfigException(o.at(key), "missing");
        }
        return value;
    }

    /**
     * The distillation loss of a stage: {@code loss: {type: ..., ...}}, or, when the stage has no {@code loss} key, the
     * schema's default loss ({@code kd}) bound from the stage's own keys ({@code temperature}, {@code alpha}: the form
     * every config used before losses became pluggable).
     */
    public static LossSpec loss(Obj o) {
        if (o.has("losses")) {
            if (o.has("loss")) {
                throw new ConfigException(o.at("losses"), "give either loss or losses, not both");
            }
            java.util.function.Function<Obj, ? extends LossSpec> sum = o.schema().losses().get(LossSpec.COMBINED);
            if (sum == null) {
                throw new ConfigException(o.at("losses"), "this distill4j has no '" + LossSpec.COMBINED + "' loss");
            }
            return o.inline(sum);
        }
        if (o.has("loss")) {
            Obj l = o.obj("loss");
            return l.pick("type", o.schema().losses(), "loss").apply(l.without("type"));
        }
        if (o.schema().defaultLoss() == null) {
            throw new ConfigException(o.at("loss"), "missing; known losses: "
                    + String.join(", ", new TreeSet<>(o.schema().losses().keySet())));
        }
        return o.inline(o.schema().losses().get(o.schema().defaultLoss()));
    }

    /** The fine-tuning keys a compression stage shares: budget, optimizer, and distillation when a teacher exists. */
    public static FinetuneConfig finetune(Obj o) {
        return new FinetuneConfig(o.integer("epochs", 1), o.integer("batch_size", 128), optimizer(o),
                o.bool("distill", true), loss(o));
    }

    public static PerKind<Double> perKindDouble(Obj o) {
        return o.build(() -> new PerKind<>(o.number("conv", null), o.number("dense", null), o.number("output", null)));
    }

    public static PerKind<Integer> perKindInt(Obj o) {
        return o.build(() -> new PerKind<>(o.integer("conv", null), o.integer("dense", null),
                o.integer("output", null)));
    }

    /** The {@code optimizer:} mapping of a training stage. */
    public static OptimizerConfig optimizer(Obj stage) {
        Obj o = stage.obj("optimizer");
        return o.build(() -> new OptimizerConfig(
                o.enumValue("type", OptimizerConfig.Type.class, OptimizerConfig.Type.ADAM),
                o.number("lr", 1e-3), o.number("momentum", 0.9), o.number("weight_decay", 0.0),
                schedule(o.obj("schedule"))));
    }

    private static ScheduleConfig schedule(Obj o) {
        return o.build(() -> new ScheduleConfig(
                o.enumValue("type", ScheduleConfig.Type.class, ScheduleConfig.Type.NONE),
                o.integer("step_epochs", 1), o.number("gamma", 0.1), o.number("min_lr", 0.0)));
    }

    /** A list of model slot names ({@code [teacher, student]}). */
    public static List<ModelSlot> slots(Obj o, String key) {
        List<String> names = o.strList(key, List.of());
        List<ModelSlot> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            ModelSlot found = ModelSlot.of(n);
            if (found == null) {
                throw new ConfigException(o.at(key) + "[" + i + "]", "unknown model '" + n
                        + "'; allowed: teacher, baseline, student");
            }
            out.add(found);
        }
        return out;
    }

    private static OutputConfig output(Obj o) {
        return o.build(() -> new OutputConfig(o.string("dir", "experiments"), o.bool("save_models", true)));
    }
}
