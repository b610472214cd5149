package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a compression stage fine-tunes: its training budget, and the distillation loss it keeps when the run has a
 * teacher ({@code distill: true}, the default; {@code false} fine-tunes on cross-entropy alone).
 */
public record FinetuneConfig(int epochs, @JsonProperty("batch_size") int batchSize, OptimizerConfig optimizer,
                             boolean distill, double temperature, double alpha) {
    public FinetuneConfig {
        new TrainingConfig(epochs, batchSize, optimizer);
        Check.positive("temperature", temperature);
        Check.inRange("alpha", alpha, 0.0, 1.0);
    }

    public TrainingConfig training() {
        return new TrainingConfig(epochs, batchSize, optimizer);
    }
}
