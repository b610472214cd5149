package org.distill4j.loss;

import org.distill4j.math.Distillation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
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

    private INDArray[] split(INDArray labels, INDArray out) {
        long k = out.size(1);
        if (labels.size(1) != 2 * k) {
            throw new IllegalStateException("DistillationLoss expects labels [teacher logits | one-hot] with " + (2 * k)
                    + " columns for " + k + " outputs, got " + labels.size(1));
        }
        INDArray l = labels.castTo(out.dataType());
        return new INDArray[]{l.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k)), l.get(NDArrayIndex.all(), NDArrayIndex.interval(k, 2 * k))};
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray s = activationFn.getActivation(preOutput.dup(), true);
        INDArray[] ty = split(labels, s);
        INDArray scores = Distillation.loss(ty[0], ty[1], s, temperature, alpha);
        return LossMasks.apply(scores, mask).reshape(scores.size(0));
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray s = activationFn.getActivation(preOutput.dup(), true);
        INDArray[] ty = split(labels, s);
        INDArray dLds = LossMasks.apply(Distillation.gradient(ty[0], ty[1], s, temperature, alpha), mask);
        return activationFn.backprop(preOutput.dup(), dLds).getFirst();
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
