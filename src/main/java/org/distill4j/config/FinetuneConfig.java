package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How a compression stage fine-tunes: its training budget, and the distillation loss it keeps when the run has a
 * teacher ({@code distill: true}, the default; {@code false} fine-tunes on cross-entropy alone).
 */
@JsonPropertyOrder({"batch_size", "epochs", "optimizer", "distill", "inline_loss", "loss"})
public record FinetuneConfig(int epochs, @JsonProperty("batch_size") int batchSize, OptimizerConfig optimizer,
                             boolean distill, @JsonIgnore LossSpec loss) implements WithLoss {
    public FinetuneConfig {
        new TrainingConfig(epochs, batchSize, optimizer);
        if (loss == null) {
            throw ConfigException.field("loss", "missing");
        }
        if (loss.featureBased()) {
            throw ConfigException.field("loss", "'" + loss.type() + "' matches intermediate layers through a branch "
                    + "trained beside the student, which only a distill stage trains; fine-tune with kd, dkd or dist");
        }
    }

    @JsonIgnore
    public TrainingConfig training() {
        return new TrainingConfig(epochs, batchSize, optimizer);
    }

    /** Training {@code model}; with {@code distill}, the teacher's forward passes too (when the run has one). */
    public java.util.List<BatchUse> batches(ModelSlot model) {
        return distill ? java.util.List.of(BatchUse.training(model, batchSize), BatchUse.inference(ModelSlot.TEACHER,
                batchSize)) : java.util.List.of(BatchUse.training(model, batchSize));
    }
}
