package org.distill4j.loss;

import java.util.function.Function;
import org.distill4j.config.Obj;

/** A distillation loss type: its YAML name and the binder that reads its keys into its {@link DistillLoss} record. */
public record LossType<L extends DistillLoss>(String name, Function<Obj, L> binder) {
}
