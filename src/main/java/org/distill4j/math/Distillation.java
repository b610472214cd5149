package org.distill4j.math;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The math of Hinton-style knowledge distillation (Hinton, Vinyals &amp; Dean 2015, "Distilling the
 * Knowledge in a Neural Network"), on rows of raw logits:
 * <pre>
 *   L(s; t, y) = alpha · T² · KL(softmax(t/T) ‖ softmax(s/T)) + (1 − alpha) · CE(y, softmax(s))
 *   ∂L/∂s      = alpha · T · (softmax(s/T) − softmax(t/T)) + (1 − alpha) · (softmax(s) · Σy − y)
 * </pre>
 * All functions work per row (example) and never modify their arguments. Softmaxes go through a
 * max-shifted log-sum-exp, so large logits neither overflow nor produce log(0).
 */
public final class Distillation {
    private Distillation() {
    }

    /** log(softmax(z/T)) per row, computed as z/T − max − log Σ exp(z/T − max). */
    public static INDArray logSoftmax(INDArray logits, double temperature) {
        INDArray z = logits.div(temperature);
        INDArray max = z.max(true, 1);
        z.subiColumnVector(max);
        INDArray lse = Transforms.log(Transforms.exp(z, true).sum(true, 1), false);
        return z.subiColumnVector(lse);
    }

    /** softmax(z/T) per row. */
    public static INDArray softmax(INDArray logits, double temperature) {
        return Transforms.exp(logSoftmax(logits, temperature), false);
    }

    /** KL(softmax(t/T) ‖ softmax(s/T)) per row, as a column vector [n, 1]. */
    public static INDArray klDivergence(INDArray teacherLogits, INDArray studentLogits, double temperature) {
        INDArray logP = logSoftmax(teacherLogits, temperature);
        INDArray logQ = logSoftmax(studentLogits, temperature);
        INDArray p = Transforms.exp(logP, true);
        return p.muli(logP.subi(logQ)).sum(true, 1);
    }

    /** Cross-entropy −Σ y · log softmax(s) per row, as a column vector [n, 1]. */
    public static INDArray crossEntropy(INDArray labels, INDArray studentLogits) {
        return labels.mul(logSoftmax(studentLogits, 1.0)).sum(true, 1).negi();
    }

    /** The distillation loss per row, as a column vector [n, 1]. */
    public static INDArray loss(INDArray teacherLogits, INDArray labels, INDArray studentLogits, double temperature, double alpha) {
        INDArray out = crossEntropy(labels, studentLogits).muli(1.0 - alpha);
        if (alpha != 0.0) {
            out.addi(klDivergence(teacherLogits, studentLogits, temperature).muli(alpha * temperature * temperature));
        }
        return out;
    }

    /** ∂L/∂s per row (not averaged over the batch), shape of {@code studentLogits}. */
    public static INDArray gradient(INDArray teacherLogits, INDArray labels, INDArray studentLogits, double temperature, double alpha) {
        INDArray q = softmax(studentLogits, 1.0);
        INDArray grad = q.muliColumnVector(labels.sum(true, 1)).subi(labels).muli(1.0 - alpha);
        if (alpha != 0.0) {
            INDArray soft = softmax(studentLogits, temperature).subi(softmax(teacherLogits, temperature));
            grad.addi(soft.muli(alpha * temperature));
        }
        return grad;
    }
}
