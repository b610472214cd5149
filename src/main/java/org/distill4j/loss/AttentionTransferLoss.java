package org.distill4j.loss;

import org.distill4j.math.FeatureDistance;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Attention transfer as a DL4J loss: the student's feature map arrives flattened ([n, channels·positions], channel
 * by channel), the labels are the teacher's attention maps ([n, positions], each of unit norm); the loss is
 * {@code weight·mean_j (a_j − t_j)²} with {@code a} the student's attention map. Math in
 * {@link FeatureDistance#attentionTransferRows}. Only the training graph of a distill stage holds it.
 * <p>Stored in DL4J model JSON (checkpoints) by class name: do not move or rename.
 */
public final class AttentionTransferLoss extends LogitLoss {
    private final double weight;
    private final int channels;

    @JsonCreator
    public AttentionTransferLoss(@JsonProperty("weight") double weight, @JsonProperty("channels") int channels) {
        if (!(weight >= 0) || channels < 1) {
            throw new IllegalArgumentException("weight must be >= 0 and channels >= 1, got " + weight + ", "
                    + channels);
        }
        this.weight = weight;
        this.channels = channels;
    }

    @JsonProperty("weight")
    public double getWeight() {
        return weight;
    }

    @JsonProperty("channels")
    public int getChannels() {
        return channels;
    }

    @Override
    int labelColumns(int k) {
        if (k % channels != 0) {
            throw new IllegalStateException(name() + " got " + k + " features, not a multiple of its channels");
        }
        return k / channels;
    }

    @Override
    void rows(double[] labels, double[] student, int n, int k, double[] loss, double[] grad) {
        FeatureDistance.attentionTransferRows(labels, student, n, channels, k / channels, weight, loss, grad);
    }

    @Override
    public String name() {
        return "AttentionTransferLoss(weight=" + weight + ", channels=" + channels + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttentionTransferLoss a && a.weight == weight && a.channels == channels;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(weight, channels);
    }
}
