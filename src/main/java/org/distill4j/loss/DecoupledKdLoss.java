package org.distill4j.loss;

import org.distill4j.math.DecoupledKd;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Decoupled knowledge distillation (Zhao et al. 2022) as a DL4J loss on the student's logits, with labels
 * {@code [teacher logits | one-hot]} ([n, 2k]): {@code w·T²·(alpha·TCKD + beta·NCKD) + ce·CE(y, softmax(s))}, the
 * distillation part warmed up linearly, {@code w = min(1, epoch / warmup)} (1 when {@code warmup} is 0). Math in
 * {@link DecoupledKd}.
 * <p>Stored in DL4J model JSON by class name: do not move or rename.
 */
public final class DecoupledKdLoss extends LogitLoss implements EpochScheduled {
    private final double temperature;
    private final double alpha;
    private final double beta;
    private final double ce;
    private final int warmup;
    private double warm = 1.0;

    @JsonCreator
    public DecoupledKdLoss(@JsonProperty("temperature") double temperature, @JsonProperty("alpha") double alpha,
            @JsonProperty("beta") double beta, @JsonProperty("ce") double ce, @JsonProperty("warmup") int warmup) {
        if (!(temperature > 0) || !(alpha >= 0) || !(beta >= 0) || !(ce >= 0) || warmup < 0) {
            throw new IllegalArgumentException("temperature must be > 0 and alpha, beta, ce, warmup >= 0, got "
                    + temperature + ", " + alpha + ", " + beta + ", " + ce + ", " + warmup);
        }
        this.temperature = temperature;
        this.alpha = alpha;
        this.beta = beta;
        this.ce = ce;
        this.warmup = warmup;
    }

    /** The warm-up factor for {@code epoch} (1-based): {@code min(1, epoch / warmup)}, 1 without warm-up. */
    public static double warmFactor(int epoch, int warmup) {
        return warmup == 0 ? 1.0 : Math.min(1.0, (double) epoch / warmup);
    }

    @Override
    public void startEpoch(int epoch) {
        warm = warmFactor(epoch, warmup);
    }

    @JsonIgnore
    public double warm() {
        return warm;
    }

    @JsonProperty("temperature")
    public double getTemperature() {
        return temperature;
    }

    @JsonProperty("alpha")
    public double getAlpha() {
        return alpha;
    }

    @JsonProperty("beta")
    public double getBeta() {
        return beta;
    }

    @JsonProperty("ce")
    public double getCe() {
        return ce;
    }

    @JsonProperty("warmup")
    public int getWarmup() {
        return warmup;
    }

    @Override
    int labelColumns(int k) {
        return 2 * k;
    }

    @Override
    void rows(double[] labels, double[] logits, int n, int k, double[] loss, double[] grad) {
        DecoupledKd.rows(labels, logits, n, k, temperature, alpha, beta, ce, warm, loss, grad);
    }

    @Override
    public String name() {
        return "DecoupledKdLoss(T=" + temperature + ", alpha=" + alpha + ", beta=" + beta + ", ce=" + ce
                + ", warmup=" + warmup + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecoupledKdLoss d && d.temperature == temperature && d.alpha == alpha && d.beta == beta
                && d.ce == ce && d.warmup == warmup;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(temperature, alpha, beta, ce, warmup);
    }
}
