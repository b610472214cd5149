package org.distill4j.stage.train;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
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

/**
 * {@code type: train} — plain cross-entropy training of the teacher, the student or the from-scratch baseline; with
 * {@code reuse: <folder>}, the model a run under that folder trained in this same stage (same seed, dataset, model
 * section and stage) is loaded instead.
 */
@JsonPropertyOrder({"type", "name", "model", "epochs", "batch_size", "optimizer", "reuse"})
public record TrainStageConfig(String name, ModelSlot model, int epochs, int batchSize, OptimizerConfig optimizer,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String reuse)
        implements StageConfig {
    public static final String TYPE = "train";
    /** The key naming a folder of runs whose model trained by this same stage is loaded instead (see ReusedModel). */
    public static final String REUSE = "reuse";

    public TrainStageConfig {
        if (model == null) {
            throw ConfigException.field("model", "missing; allowed: teacher, baseline, student");
        }
        new TrainingConfig(epochs, batchSize, optimizer);
        if (reuse != null && reuse.isBlank()) {
            throw ConfigException.field(REUSE, "must name a run directory or a folder of runs, got an empty string");
        }
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
                o.integer("epochs", 1), o.integer("batch_size", 128), ConfigBinder.optimizer(o),
                o.string(REUSE, null)));
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
