package org.distill4j.loss;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.distill4j.config.Check;
import org.distill4j.config.Obj;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * {@code loss: {type: kd, temperature: 4, alpha: 0.9}}: Hinton's knowledge distillation,
 * {@code alpha·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1−alpha)·CE(y, softmax(s))} ({@link DistillationLoss}).
 * The default loss: a stage that names none takes {@code temperature} and {@code alpha} from its own keys.
 */
@JsonPropertyOrder({"type", "temperature", "alpha"})
public record KdLoss(double temperature, double alpha) implements DistillLoss {
    public static final LossType<KdLoss> TYPE = new LossType<>("kd", KdLoss::bind);

    public KdLoss {
        Check.positive("temperature", temperature);
        Check.inRange("alpha", alpha, 0.0, 1.0);
    }

    public static KdLoss bind(Obj o) {
        return o.build(() -> new KdLoss(o.number("temperature", 4.0), o.number("alpha", 0.9)));
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public ILossFunction create() {
        return new DistillationLoss(temperature, alpha);
    }

    /** Written inline in its stage: {@code temperature} and {@code alpha} at stage level, as configs always were. */
    @Override
    public Object inline() {
        return new Inline(temperature, alpha);
    }

    /** The keys of {@link KdLoss} as written inline in a stage. */
    @JsonPropertyOrder({"temperature", "alpha"})
    public record Inline(double temperature, double alpha) {
    }

    @Override
    public String describe() {
        return "T = " + temperature + ", alpha = " + alpha;
    }
}
