package org.distill4j.loss;

import org.distill4j.math.Distillation;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Knowledge-distillation loss (Hinton, Vinyals &amp; Dean 2015):
 * {@code alpha·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1−alpha)·CE(y, softmax(s))}, where {@code s} are the
 * student's logits (the output layer's activation, normally identity) and the labels array carries the
 * teacher's logits and the one-hot targets side by side: {@code labels = [t | y]}, shape [n, 2k].
 * Per-example masks ([n, 1]) are supported. Math in {@link Distillation}.
 * <p>Stored in DL4J model JSON by class name: do not move or rename.
 */
public final class DistillationLoss extends LogitLoss {
    private final double temperature;
    private final double alpha;

    @JsonCreator
    public DistillationLoss(@JsonProperty("temperature") double temperature, @JsonProperty("alpha") double alpha) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        this.temperature = temperature;
        this.alpha = alpha;
    }

    @JsonProperty("temperature")
    public double getTemperature() {
        return temperature;
    }

    @JsonProperty("alpha")
    public double getAlpha() {
        return alpha;
    }

    @Override
    int labelColumns(int k) {
        return 2 * k;
    }

    @Override
    void rows(double[] labels, double[] logits, int n, int k, double[] loss, double[] grad) {
        Distillation.rows(labels, 0, labels, k, 2 * k, logits, n, k, temperature, alpha, loss, grad);
    }

    @Override
    public String name() {
        return "DistillationLoss(T=" + temperature + ", alpha=" + alpha + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DistillationLoss d && d.temperature == temperature && d.alpha == alpha;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(temperature, alpha);
    }
}
