package org.distill4j.loss;

import org.distill4j.math.Distillation;

/**
 * Cross-entropy on raw logits: {@code CE(y, softmax(s)) = −Σ y · log softmax(s)}, gradient
 * {@code softmax(s)·Σy − y}, through a stable log-sum-exp. distill4j networks output logits (identity
 * activation) so that teachers hand raw logits to distillation; this is their plain training loss, equal to
 * {@link DistillationLoss} with alpha = 0. Stored in DL4J model JSON by class name: do not move or rename.
 */
public final class SoftmaxCrossEntropyLoss extends LogitLoss {

    @Override
    int labelColumns(int k) {
        return k;
    }

    @Override
    void rows(double[] labels, double[] logits, int n, int k, double[] loss, double[] grad) {
        Distillation.rows(null, 0, labels, 0, k, logits, n, k, 1.0, 0.0, loss, grad);
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
