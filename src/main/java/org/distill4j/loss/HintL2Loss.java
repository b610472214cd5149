package org.distill4j.loss;

import org.distill4j.math.FeatureDistance;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The FitNets hint as a DL4J loss: {@code weight·mean_d (r_d − t_d)²} between the student's regressed feature
 * (the pre-activations of the hint branch's loss layer, [n, d]) and the teacher's feature (labels, [n, d]). Math in
 * {@link FeatureDistance#hintRows}. Only the training graph of a distill stage holds it; the student it hands on
 * does not.
 * <p>Stored in DL4J model JSON (checkpoints) by class name: do not move or rename.
 */
public final class HintL2Loss extends LogitLoss {
    private final double weight;

    @JsonCreator
    public HintL2Loss(@JsonProperty("weight") double weight) {
        if (!(weight >= 0)) {
            throw new IllegalArgumentException("weight must be >= 0, got " + weight);
        }
        this.weight = weight;
    }

    @JsonProperty("weight")
    public double getWeight() {
        return weight;
    }

    @Override
    int labelColumns(int k) {
        return k;
    }

    @Override
    void rows(double[] labels, double[] student, int n, int k, double[] loss, double[] grad) {
        FeatureDistance.hintRows(labels, student, n, k, weight, loss, grad);
    }

    @Override
    public String name() {
        return "HintL2Loss(weight=" + weight + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HintL2Loss h && h.weight == weight;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(weight);
    }
}
