package org.distill4j.stage.evaluate;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.config.BatchUse;
import java.util.Set;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.ConfigException;
import org.distill4j.config.Check;
import org.distill4j.config.Obj;
import org.distill4j.config.StageConfig;
import org.distill4j.config.SlotUse;
import org.distill4j.config.ConfigBinder;
import org.distill4j.config.DatasetConfig;

/**
 * {@code type: evaluate} — test-set accuracy, top-5, per-class accuracy and confusion matrix of the listed
 * models; an empty or absent {@code models} means every model trained or loaded before this stage.
 */
@JsonPropertyOrder({"type", "name", "models", "batch_size"})
public record EvaluateStageConfig(String name, List<ModelSlot> models, int batchSize) implements StageConfig {
    public static final String TYPE = "evaluate";

    public EvaluateStageConfig {
        models = models == null ? List.of() : List.copyOf(models);
        Check.between("batch_size", batchSize, 1, 1 << 20);
        if (name == null) {
            name = TYPE;
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Binds a {@code type: evaluate} section. */
    public static EvaluateStageConfig bind(Obj o) {
        return o.build(() -> new EvaluateStageConfig(o.string("name", null), ConfigBinder.slots(o, "models"),
                o.integer("batch_size", 128)));
    }

    @Override
    public List<SlotUse> reads() {
        List<SlotUse> out = new ArrayList<>();
        for (int j = 0; j < models.size(); j++) {
            out.add(new SlotUse(models.get(j), "models[" + j + "]"));
        }
        return out;
    }

    /** Evaluation only runs the models: an ONNX teacher serves it. */
    @Override
    public boolean onlyRuns(ModelSlot slot) {
        return true;
    }

    /** An empty model list means every model ready before this stage. */
    @Override
    public StageConfig resolve(DatasetConfig dataset, Set<ModelSlot> ready) {
        if (!models.isEmpty()) {
            return this;
        }
        List<ModelSlot> all = new ArrayList<>();
        for (ModelSlot m : ModelSlot.values()) {
            if (ready.contains(m)) {
                all.add(m);
            }
        }
        if (all.isEmpty()) {
            throw ConfigException.field("", "nothing to evaluate: no earlier stage trains or loads a model");
        }
        return new EvaluateStageConfig(name, all, batchSize);
    }

    @Override
    public List<BatchUse> batches() {
        return models.stream().map(m -> BatchUse.inference(m, batchSize)).toList();
    }
}
