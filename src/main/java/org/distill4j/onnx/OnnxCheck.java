package org.distill4j.onnx;

import org.distill4j.data.Batches;
import org.distill4j.eval.Evaluator;
import org.distill4j.model.Net;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An exported model checked against the network it came from on a whole split: both run the same batches, and the
 * logits are compared.
 *
 * @param maxDifference max |ONNX logit − distill4j logit|
 * @param logitScale max |distill4j logit|
 * @param agreement the fraction of examples on which both predict the same class
 * @param accuracy distill4j's accuracy
 * @param onnxAccuracy ONNX Runtime's accuracy
 */
public record OnnxCheck(int examples, double maxDifference, double logitScale, double agreement, double accuracy,
                        double onnxAccuracy) {
    /** The bound of a float export: max |logit difference| ≤ 1e-4 of the logit scale. */
    public static final double FLOAT_TOLERANCE = 1e-4;
    /** The bounds of a quantized export: top-1 agreement ≥ 99.5%, accuracy within 0.3 points. */
    public static final double QUANTIZED_AGREEMENT = 0.995;
    public static final double QUANTIZED_ACCURACY = 0.003;

    /** Runs {@code net} and {@code onnx} on every example of {@code data}, in order, in batches. */
    public static OnnxCheck of(Net net, OnnxSession onnx, Batches data) {
        int n = data.data().size();
        int[] labels = data.data().labels();
        int[] order = data.inOrder();
        double diff = 0;
        double scale = 0;
        int same = 0;
        int hits = 0;
        int onnxHits = 0;
        for (int from = 0; from < n; from += Evaluator.DEFAULT_BATCH) {
            int to = Math.min(n, from + Evaluator.DEFAULT_BATCH);
            INDArray x = data.features(order, from, to, null);
            float[][] a = net.output(x).toFloatMatrix();
            float[][] b = onnx.run(Evaluator.floats(x), to - from);
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a[i].length; j++) {
                    diff = Math.max(diff, Math.abs((double) a[i][j] - b[i][j]));
                    scale = Math.max(scale, Math.abs(a[i][j]));
                }
                int pa = Evaluator.argmax(a[i], 0, a[i].length);
                int pb = Evaluator.argmax(b[i], 0, b[i].length);
                same += pa == pb ? 1 : 0;
                hits += pa == labels[order[from + i]] ? 1 : 0;
                onnxHits += pb == labels[order[from + i]] ? 1 : 0;
            }
        }
        return new OnnxCheck(n, diff, scale, (double) same / n, (double) hits / n, (double) onnxHits / n);
    }

    /** max |logit difference| over the logit scale. */
    public double relativeDifference() {
        return logitScale == 0 ? maxDifference : maxDifference / logitScale;
    }

    /**
     * Why the export does not stand for its network (null when it does): a float export beyond
     * {@link #FLOAT_TOLERANCE}, a quantized one below {@link #QUANTIZED_AGREEMENT} or off by more than
     * {@link #QUANTIZED_ACCURACY} in accuracy.
     */
    public String problem(boolean quantized) {
        if (!quantized) {
            return relativeDifference() <= FLOAT_TOLERANCE ? null : String.format(java.util.Locale.ROOT,
                    "max |logit difference| is %.3g of the logit scale (allowed %.0e)", relativeDifference(),
                    FLOAT_TOLERANCE);
        }
        if (agreement < QUANTIZED_AGREEMENT - 1e-9) {
            return String.format(java.util.Locale.ROOT, "top-1 agreement %.4f (at least %.3f needed)", agreement,
                    QUANTIZED_AGREEMENT);
        }
        if (Math.abs(onnxAccuracy - accuracy) > QUANTIZED_ACCURACY + 1e-9) { // 'within': 0.3 points pass
            return String.format(java.util.Locale.ROOT, "accuracy %.4f against distill4j's %.4f (within %.3f "
                    + "needed; top-1 agreement %.4f over %d examples)", onnxAccuracy, accuracy, QUANTIZED_ACCURACY,
                    agreement, examples);
        }
        return null;
    }
}
