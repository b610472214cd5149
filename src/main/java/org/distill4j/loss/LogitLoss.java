package org.distill4j.loss;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A DL4J loss on raw logits (or, for the feature losses, a layer's flattened features) whose per-example score and
 * gradient come from one heap kernel
 * ({@link #rows}): the batch's labels and logits are copied to the JVM once, scored and differentiated in
 * plain loops, and the gradient copied back. A batch of logits is small ([128, 10]); doing the same as some
 * forty ND4J ops cost more than the rest of a small network's step (docs/performance.md).
 */
abstract class LogitLoss implements ILossFunction {

    /** Label columns per example for {@code k} outputs. */
    abstract int labelColumns(int k);

    /** Fills {@code loss[n]} and {@code grad[n*k]} (∂loss/∂logits) from row-major labels and logits. */
    abstract void rows(double[] labels, double[] logits, int n, int k, double[] loss, double[] grad);

    private record Evaluated(INDArray scores, INDArray gradient) {
    }

    private Evaluated evaluate(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
            boolean withGradient) {
        boolean identity = activationFn instanceof ActivationIdentity;
        INDArray s = identity ? preOutput : activationFn.getActivation(preOutput.dup(), true);
        int n = (int) s.size(0);
        int k = (int) s.size(1);
        if (labels.size(1) != labelColumns(k)) {
            throw new IllegalStateException(name() + " expects " + labelColumns(k) + " label columns for " + k
                    + " outputs, got " + labels.size(1));
        }
        double[] loss = new double[n];
        double[] grad = new double[n * k];
        rows(heap(labels), heap(s), n, k, loss, grad);
        INDArray scores = Nd4j.createFromArray(loss).reshape(n, 1).castTo(s.dataType());
        scores = LossMasks.apply(scores, mask).reshape(n);
        if (!withGradient) {
            return new Evaluated(scores, null);
        }
        INDArray dLds = LossMasks.apply(Nd4j.createFromArray(grad).reshape(n, k).castTo(s.dataType()), mask);
        INDArray dLdz = identity ? dLds : activationFn.backprop(preOutput.dup(), dLds).getFirst();
        return new Evaluated(scores, dLdz);
    }

    /** The values of a matrix in row-major order, as doubles. */
    static double[] heap(INDArray x) {
        INDArray c = x.ordering() == 'c' && !x.isView() && x.length() == x.data().length() ? x : x.dup('c');
        return c.dataType() == DataType.DOUBLE ? c.data().asDouble() : c.castTo(DataType.DOUBLE).data().asDouble();
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return evaluate(labels, preOutput, activationFn, mask, false).scores();
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return evaluate(labels, preOutput, activationFn, mask, true).gradient();
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
            boolean average) {
        INDArray scores = computeScoreArray(labels, preOutput, activationFn, mask);
        double sum = scores.sumNumber().doubleValue();
        return average ? sum / scores.size(0) : sum;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
            INDArray mask, boolean average) {
        Evaluated e = evaluate(labels, preOutput, activationFn, mask, true);
        double sum = e.scores().sumNumber().doubleValue();
        return new Pair<>(average ? sum / e.scores().size(0) : sum, e.gradient());
    }

    @Override
    public String toString() {
        return name();
    }
}
