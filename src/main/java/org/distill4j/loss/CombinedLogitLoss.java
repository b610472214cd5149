package org.distill4j.loss;

import java.util.List;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The weighted sum of logit losses that read the same labels ({@code [teacher logits | one-hot]}): per example,
 * {@code Σ w_i·loss_i} and {@code Σ w_i·∂loss_i/∂s}. Terms with a warm-up hear every epoch.
 * <p>Stored in DL4J model JSON by class name, its terms by theirs: do not move or rename.
 */
public final class CombinedLogitLoss extends LogitLoss implements EpochScheduled {
    private final List<ILossFunction> losses;
    private final double[] weights;

    @JsonCreator
    public CombinedLogitLoss(@JsonProperty("losses") List<ILossFunction> losses,
            @JsonProperty("weights") double[] weights) {
        if (losses == null || losses.isEmpty() || weights == null || weights.length != losses.size()) {
            throw new IllegalArgumentException("one weight per loss, at least one loss");
        }
        for (ILossFunction l : losses) {
            if (!(l instanceof LogitLoss)) {
                throw new IllegalArgumentException(l.name() + " is not a logit loss this sum can hold");
            }
        }
        this.losses = List.copyOf(losses);
        this.weights = weights.clone();
    }

    @JsonProperty("losses")
    public List<ILossFunction> getLosses() {
        return losses;
    }

    @JsonProperty("weights")
    public double[] getWeights() {
        return weights.clone();
    }

    @Override
    public void startEpoch(int epoch) {
        for (ILossFunction l : losses) {
            if (l instanceof EpochScheduled s) {
                s.startEpoch(epoch);
            }
        }
    }

    @Override
    int labelColumns(int k) {
        int c = ((LogitLoss) losses.get(0)).labelColumns(k);
        for (ILossFunction l : losses) {
            if (((LogitLoss) l).labelColumns(k) != c) {
                throw new IllegalStateException("the terms of " + name() + " read different labels");
            }
        }
        return c;
    }

    @Override
    void rows(double[] labels, double[] logits, int n, int k, double[] loss, double[] grad) {
        double[] l = new double[n];
        double[] g = new double[n * k];
        for (int t = 0; t < losses.size(); t++) {
            java.util.Arrays.fill(l, 0.0);
            java.util.Arrays.fill(g, 0.0);
            ((LogitLoss) losses.get(t)).rows(labels, logits, n, k, l, g);
            for (int i = 0; i < n; i++) {
                loss[i] += weights[t] * l[i];
            }
            for (int i = 0; i < n * k; i++) {
                grad[i] += weights[t] * g[i];
            }
        }
    }

    @Override
    public String name() {
        StringBuilder sb = new StringBuilder("CombinedLogitLoss(");
        for (int t = 0; t < losses.size(); t++) {
            sb.append(t == 0 ? "" : " + ").append(weights[t]).append("*").append(losses.get(t).name());
        }
        return sb.append(")").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CombinedLogitLoss c && c.losses.equals(losses)
                && java.util.Arrays.equals(c.weights, weights);
    }

    @Override
    public int hashCode() {
        return 31 * losses.hashCode() + java.util.Arrays.hashCode(weights);
    }
}
