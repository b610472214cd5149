package org.distill4j.loss;

import org.distill4j.math.Dist;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DIST (Huang et al. 2022) as a DL4J loss on the student's logits, with labels {@code [teacher logits | one-hot]}
 * ([n, 2k]): {@code T²·(beta·inter + gamma·intra) + ce·CE(y, softmax(s))}, inter- and intra-class Pearson
 * correlations of the softened predictions. The intra term relates the examples of a batch. Math in {@link Dist}.
 * <p>Stored in DL4J model JSON by class name: do not move or rename.
 */
public final class DistRelationLoss extends LogitLoss {
    private final double temperature;
    private final double beta;
    private final double gamma;
    private final double ce;

    @JsonCreator
    public DistRelationLoss(@JsonProperty("temperature") double temperature, @JsonProperty("beta") double beta,
            @JsonProperty("gamma") double gamma, @JsonProperty("ce") double ce) {
        if (!(temperature > 0) || !(beta >= 0) || !(gamma >= 0) || !(ce >= 0)) {
            throw new IllegalArgumentException("temperature must be > 0 and beta, gamma, ce >= 0, got " + temperature
                    + ", " + beta + ", " + gamma + ", " + ce);
        }
        this.temperature = temperature;
        this.beta = beta;
        this.gamma = gamma;
        this.ce = ce;
    }

    @JsonProperty("temperature")
    public double getTemperature() {
        return temperature;
    }

    @JsonProperty("beta")
    public double getBeta() {
        return beta;
    }

    @JsonProperty("gamma")
    public double getGamma() {
        return gamma;
    }

    @JsonProperty("ce")
    public double getCe() {
        return ce;
    }

    @Override
    int labelColumns(int k) {
        return 2 * k;
    }

    @Override
    void rows(double[] labels, double[] logits, int n, int k, double[] loss, double[] grad) {
        Dist.rows(labels, logits, n, k, temperature, beta, gamma, ce, loss, grad);
    }

    @Override
    public String name() {
        return "DistRelationLoss(T=" + temperature + ", beta=" + beta + ", gamma=" + gamma + ", ce=" + ce + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DistRelationLoss d && d.temperature == temperature && d.beta == beta && d.gamma == gamma
                && d.ce == ce;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(temperature, beta, gamma, ce);
    }
}
