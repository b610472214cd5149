package org.distill4j.stage.train;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.distill4j.config.BatchUse;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.ConfigException;
import org.distill4j.config.Obj;
import org.distill4j.config.OptimizerConfig;
import org.distill4j.config.TrainingConfig;
import org.distill4j.config.StageConfig;
import org.distill4j.config.SlotUse;
import org.distill4j.config.ConfigBinder;

/** {@code type: train} — plain cross-entropy training of the teacher, the student or the from-scratch baseline. */
@JsonPropertyOrder({"type", "name", "model", "epochs", "batch_size", "optimizer"})
public record TrainStageConfig(String name, ModelSlot model, int epochs, int batchSize, OptimizerConfig optimizer)
        implements StageConfig {
    public static final String TYPE = "train";

    public TrainStageConfig {
        if (model == null) {
            throw ConfigException.field("model", "missing; allowed: teacher, baseline, student");
        }
        new TrainingConfig(epochs, batchSize, optimizer);
        if (name == null) {
            name = TYPE + "-" + model.yaml();
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Binds a {@code type: train} section. */
    public static TrainStageConfig bind(Obj o) {
        return o.build(() -> new TrainStageConfig(o.string("name", null), o.enumValue("model", ModelSlot.class, null),
                o.integer("epochs", 1), o.integer("batch_size", 128), ConfigBinder.optimizer(o)));
    }

    @Override
    public List<SlotUse> writes() {
        return List.of(new SlotUse(model, "model"));
    }

    @JsonIgnore
    public TrainingConfig training() {
        return new TrainingConfig(epochs, batchSize, optimizer);
    }

    @Override
    public List<BatchUse> batches() {
        return List.of(BatchUse.training(model, batchSize));
    }
}
