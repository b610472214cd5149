package org.distill4j.loss;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.distill4j.config.Check;
import org.distill4j.config.Obj;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * {@code loss: {type: dist, temperature: 1, beta: 1, gamma: 1, ce: 1}}: DIST (Huang et al. 2022, "Knowledge
 * Distillation from A Stronger Teacher"), {@code T²·(beta·inter + gamma·intra) + ce·CE(y, softmax(s))}: the student
 * matches the teacher's relations (Pearson correlation of the softened predictions across the classes of each
 * example, and across the examples of the batch for each class), not its exact probabilities
 * ({@link DistRelationLoss}). Defaults are the reference implementation's.
 */
@JsonPropertyOrder({"type", "temperature", "beta", "gamma", "ce"})
public record DistLoss(double temperature, double beta, double gamma, double ce) implements DistillLoss {
    public static final LossType<DistLoss> TYPE = new LossType<>("dist", DistLoss::bind);

    public DistLoss {
        Check.positive("temperature", temperature);
        Check.inRange("beta", beta, 0.0, 1000.0);
        Check.inRange("gamma", gamma, 0.0, 1000.0);
        Check.inRange("ce", ce, 0.0, 1000.0);
    }

    public static DistLoss bind(Obj o) {
        return o.build(() -> new DistLoss(o.number("temperature", 1.0), o.number("beta", 1.0),
                o.number("gamma", 1.0), o.number("ce", 1.0)));
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public ILossFunction create() {
        return new DistRelationLoss(temperature, beta, gamma, ce);
    }

    @Override
    public String describe() {
        return "DIST, T = " + temperature + ", beta = " + beta + ", gamma = " + gamma + ", ce = " + ce;
    }
}
