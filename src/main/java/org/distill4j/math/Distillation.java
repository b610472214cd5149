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
    public static INDArray loss(INDArray teacherLogits, INDArray labels, INDArray studentLogits, double temperature,
            double alpha) {
        INDArray out = crossEntropy(labels, studentLogits).muli(1.0 - alpha);
        if (alpha != 0.0) {
            out.addi(klDivergence(teacherLogits, studentLogits, temperature).muli(alpha * temperature * temperature));
        }
        return out;
    }

    /** ∂L/∂s per row (not averaged over the batch), shape of {@code studentLogits}. */
    public static INDArray gradient(INDArray teacherLogits, INDArray labels, INDArray studentLogits, double temperature,
            double alpha) {
        INDArray q = softmax(studentLogits, 1.0);
        INDArray grad = q.muliColumnVector(labels.sum(true, 1)).subi(labels).muli(1.0 - alpha);
        if (alpha != 0.0) {
            INDArray soft = softmax(studentLogits, temperature).subi(softmax(teacherLogits, temperature));
            grad.addi(soft.muli(alpha * temperature));
        }
        return grad;
    }
    /**
     * The same loss and gradient on the JVM heap, for {@code n} rows of {@code k} classes in row-major arrays
     * (what the DL4J losses run: a handful of native calls per batch instead of some forty small ND4J ops).
     * {@code teacher} (may be null when {@code alpha} is 0) and {@code labels} are read at
     * {@code row * stride + offset}; {@code student} and {@code grad} are dense [n, k]; {@code loss} is [n].
     */
    public static void rows(double[] teacher, int teacherOffset, double[] labels, int labelOffset, int stride,
                            double[] student, int n, int k, double temperature, double alpha, double[] loss,
                            double[] grad) {
        double[] q = new double[k];
        for (int r = 0; r < n; r++) {
            int so = r * k;
            int lo = r * stride + labelOffset;
            // cross-entropy on softmax(s)
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, student[so + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                q[j] = Math.exp(student[so + j] - max);
                sum += q[j];
            }
            double lse = max + Math.log(sum);
            double ySum = 0;
            double ce = 0;
            for (int j = 0; j < k; j++) {
                double y = labels[lo + j];
                ySum += y;
                ce -= y * (student[so + j] - lse);
            }
            for (int j = 0; j < k; j++) {
                grad[so + j] = (1.0 - alpha) * (q[j] / sum * ySum - labels[lo + j]);
            }
            double l = (1.0 - alpha) * ce;
            if (alpha != 0.0) {
                int to = r * stride + teacherOffset;
                double sMax = Double.NEGATIVE_INFINITY;
                double tMax = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    sMax = Math.max(sMax, student[so + j] / temperature);
                    tMax = Math.max(tMax, teacher[to + j] / temperature);
                }
                double sSum = 0;
                double tSum = 0;
                for (int j = 0; j < k; j++) {
                    sSum += Math.exp(student[so + j] / temperature - sMax);
                    tSum += Math.exp(teacher[to + j] / temperature - tMax);
                }
                double sLse = sMax + Math.log(sSum);
                double tLse = tMax + Math.log(tSum);
                double kl = 0;
                for (int j = 0; j < k; j++) {
                    double logP = teacher[to + j] / temperature - tLse;
                    double logQ = student[so + j] / temperature - sLse;
                    double p = Math.exp(logP);
                    kl += p * (logP - logQ);
                    grad[so + j] += alpha * temperature * (Math.exp(logQ) - p);
                }
                l += alpha * temperature * temperature * kl;
            }
            loss[r] = l;
        }
    }
}
