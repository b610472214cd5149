package org.distill4j.loss;

import java.util.function.Function;
import org.distill4j.config.LossSpec;
import org.distill4j.config.Obj;

/**
 * A loss type: its YAML name and the binder that reads its keys into its record, a {@link DistillLoss} (on the
 * logits) or a {@link FeatureLoss} (on intermediate activations).
 */
public record LossType<L extends LossSpec>(String name, Function<Obj, L> binder) {
}
