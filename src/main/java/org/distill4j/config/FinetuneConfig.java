package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * How a compression stage fine-tunes: its training budget, and the distillation loss it keeps when the run has a
 * teacher ({@code distill: true}, the default; {@code false} fine-tunes on cross-entropy alone).
 */
@JsonPropertyOrder({"batch_size", "epochs", "optimizer", "distill", "inline_loss", "loss"})
public record FinetuneConfig(int epochs, @JsonProperty("batch_size") int batchSize, OptimizerConfig optimizer,
                             boolean distill, @JsonIgnore LossSpec loss) {
    public FinetuneConfig {
        new TrainingConfig(epochs, batchSize, optimizer);
        if (loss == null) {
            throw ConfigException.field("loss", "missing");
        }
    }

    /** The loss as written: {@code loss: {type: ...}}, unless it is written inline ({@link LossSpec#inline}). */
    @JsonProperty("loss")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    LossSpec namedLoss() {
        return loss.inline() == null ? loss : null;
    }

    @JsonProperty("inline_loss")
    @JsonUnwrapped
    Object inlineLoss() {
        return loss.inline();
    }

    @JsonIgnore
    public TrainingConfig training() {
        return new TrainingConfig(epochs, batchSize, optimizer);
    }
}
