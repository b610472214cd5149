package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

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

    @JsonIgnore
    public TrainingConfig training() {
        return new TrainingConfig(epochs, batchSize, optimizer);
    }
}
