package org.distill4j.plugins;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.distill4j.config.Check;
import org.distill4j.config.Obj;
import org.distill4j.loss.DistillLoss;
import org.distill4j.loss.LossType;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A toy distillation loss in one file, as docs/extending.md writes it: logit matching (Ba &amp; Caruana 2014),
 * {@code loss: {type: logit-matching, weight: 0.5}} is {@code weight/2 · ||s − t||²} per example, where {@code s}
 * and {@code t} are the student's and the teacher's logits (the labels' first half).
 */
@JsonPropertyOrder({"type", "weight"})
public record LogitMatchingLoss(double weight) implements DistillLoss {
    public static final LossType<LogitMatchingLoss> TYPE = new LossType<>("logit-matching", LogitMatchingLoss::bind);

    public LogitMatchingLoss {
        Check.positive("weight", weight);
    }

    static LogitMatchingLoss bind(Obj o) {
        return o.build(() -> new LogitMatchingLoss(o.number("weight", 1.0)));
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public ILossFunction create() {
        return new Function(weight);
    }

    @Override
    public String describe() {
        return "logit matching, weight " + weight;
    }

    /**
     * The DL4J loss: score {@code weight/2 · Σ (s − t)²}, gradient {@code weight · (s − t)} through the
     * activation.
     */
    public static final class Function implements ILossFunction {
        private final double weight;

        public Function(@JsonProperty("weight") double weight) {
            this.weight = weight;
        }

        @JsonProperty("weight")
        public double getWeight() {
            return weight;
        }

        private INDArray diff(INDArray labels, INDArray preOutput, IActivation activationFn) {
            INDArray s = activationFn.getActivation(preOutput.dup(), true);
            INDArray t = labels.get(NDArrayIndex.all(), NDArrayIndex.interval(0, s.size(1)));
            return s.sub(t);
        }

        @Override
        public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                boolean average) {
            double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
            return average ? sum / preOutput.size(0) : sum;
        }

        @Override
        public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn,
                INDArray mask) {
            INDArray d = diff(labels, preOutput, activationFn);
            return d.mul(d).sum(1).muli(weight / 2);
        }

        @Override
        public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
            INDArray dLds = diff(labels, preOutput, activationFn).muli(weight);
            return activationFn.backprop(preOutput.dup(), dLds).getFirst();
        }

        @Override
        public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                              IActivation activationFn,
                                                              INDArray mask, boolean average) {
            return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                    computeGradient(labels, preOutput, activationFn, mask));
        }

        @Override
        public String name() {
            return "LogitMatching(weight=" + weight + ")";
        }

        @Override
        public String toString() {
            return name();
        }
    }
}
