package org.distill4j.loss;

import org.distill4j.config.LossSpec;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A configured distillation loss ({@code loss: {type: ..., ...}}): the record its YAML keys bind to, which makes
 * the DL4J loss a distilling stage trains with. The loss sees the student's output-layer pre-activations and labels
 * laid out as {@code [teacher logits | one-hot targets]} ({@code [n, 2k]}). Each loss type is one file in this
 * package holding its record, its binder and its {@link LossType}, registered by one line in
 * {@code org.distill4j.plugins.Plugins}.
 */
public interface DistillLoss extends LossSpec {
    /** The DL4J loss function; its class is stored in saved models' JSON by name. */
    ILossFunction create();

    /** Its settings in words, for logs and stage reports ({@code T = 4.0, alpha = 0.9}). */
    String describe();
}
