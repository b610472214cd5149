package org.distill4j.loss;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.distill4j.config.Check;
import org.distill4j.config.Obj;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * {@code loss: {type: dkd, temperature: 4, alpha: 1, beta: 8, ce: 1, warmup: 0}}: decoupled knowledge distillation
 * (Zhao et al. 2022), {@code w·T²·(alpha·TCKD + beta·NCKD) + ce·CE(y, softmax(s))}: the teacher's confidence in the
 * target class (TCKD) and its ranking of the other classes (NCKD) weighted apart; {@code w} rises linearly to 1 over
 * the first {@code warmup} epochs ({@link DecoupledKdLoss}). Defaults are the paper's CIFAR-100 settings, but for the
 * warm-up (the paper's 20 epochs assume a 240-epoch schedule).
 */
@JsonPropertyOrder({"type", "temperature", "alpha", "beta", "ce", "warmup"})
public record DkdLoss(double temperature, double alpha, double beta, double ce, int warmup) implements DistillLoss {
    public static final LossType<DkdLoss> TYPE = new LossType<>("dkd", DkdLoss::bind);

    public DkdLoss {
        Check.positive("temperature", temperature);
        Check.inRange("alpha", alpha, 0.0, 1000.0);
        Check.inRange("beta", beta, 0.0, 1000.0);
        Check.inRange("ce", ce, 0.0, 1000.0);
        Check.between("warmup", warmup, 0, 100_000);
    }

    public static DkdLoss bind(Obj o) {
        return o.build(() -> new DkdLoss(o.number("temperature", 4.0), o.number("alpha", 1.0), o.number("beta", 8.0),
                o.number("ce", 1.0), o.integer("warmup", 0)));
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public ILossFunction create() {
        return new DecoupledKdLoss(temperature, alpha, beta, ce, warmup);
    }

    @Override
    public String describe() {
        return "DKD, T = " + temperature + ", alpha = " + alpha + ", beta = " + beta + ", ce = " + ce
                + (warmup > 0 ? ", warm-up " + warmup + " epochs" : "");
    }
}
