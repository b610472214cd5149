package org.distill4j.loss;

import org.distill4j.math.Distillation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Cross-entropy on raw logits: {@code CE(y, softmax(s)) = −Σ y · log softmax(s)}, gradient
 * {@code softmax(s)·Σy − y}, through a stable log-sum-exp. distill4j networks output logits (identity
 * activation) so that teachers hand raw logits to distillation; this is their plain training loss, equal to
 * {@link DistillationLoss} with alpha = 0. Stored in DL4J model JSON by class name: do not move or rename.
 */
public final class SoftmaxCrossEntropyLoss extends LogitLoss {

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray s = activationFn.getActivation(preOutput.dup(), true);
        INDArray scores = Distillation.crossEntropy(labels.castTo(s.dataType()), s);
        return LossMasks.apply(scores, mask).reshape(scores.size(0));
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray s = activationFn.getActivation(preOutput.dup(), true);
        INDArray y = labels.castTo(s.dataType());
        INDArray dLds = Distillation.gradient(y, y, s, 1.0, 0.0);
        return activationFn.backprop(preOutput.dup(), LossMasks.apply(dLds, mask)).getFirst();
    }

    @Override
    public String name() {
        return "SoftmaxCrossEntropyLoss";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SoftmaxCrossEntropyLoss;
    }

    @Override
    public int hashCode() {
        return 17;
    }
}
