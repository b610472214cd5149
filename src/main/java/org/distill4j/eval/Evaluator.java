package org.distill4j.eval;

import java.util.List;
import org.distill4j.data.Batches;
import org.distill4j.model.Net;
import org.distill4j.run.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runs a network over a dataset in inference mode and scores its logits. */
public final class Evaluator {
    /**
     * Inference batch size for evaluation and teacher logits. Larger batches are slower here, not faster:
     * ResNet-20 infers 1,222 samples/s at 128, 620 at 256 and 353 at 1,000, and the activation workspace of a
     * 1,000-image batch took peak memory from 1.2 to 2.3 GiB (docs/performance.md).
     */
    public static final int DEFAULT_BATCH = 128;

    private Evaluator() {
    }

    public static EvalResult evaluate(Net net, Batches data, int batchSize) {
        return evaluate(x -> floats(net.output(x)), data, batchSize);
    }

    /**
     * What gives logits for a batch: row-major {@code [rows, classes]} floats for the flat feature rows {@code x}
     * (a distill4j network, or a model another runtime runs).
     */
    public interface Model {
        float[] logits(INDArray x);
    }

    /** {@link #evaluate(Net, Batches, int)} of any {@link Model}. */
    public static EvalResult evaluate(Model net, Batches data, int batchSize) {
        int n = data.data().size();
        int k = data.data().numClasses();
        int[] labels = data.data().labels();
        long[][] confusion = new long[k][k];
        int[] top5Hits = {0};
        long t0 = System.nanoTime();
        forEachRow(net, data, batchSize, n, "evaluate", (i, logits, row) -> {
            int y = labels[i];
            confusion[y][argmax(logits, row, k)]++;
            if (rank(logits, row, k, y) < 5) {
                top5Hits[0]++;
            }
        });
        int top5 = top5Hits[0];
        double seconds = (System.nanoTime() - t0) / 1e9;
        return fromConfusion(confusion, top5, data.data().classNames(), n / Math.max(seconds, 1e-9));
    }

    /** Accuracy and per-class accuracy from a confusion matrix (pure, tested by hand). */
    static EvalResult fromConfusion(long[][] confusion, int top5Hits, List<String> classes, double samplesPerSecond) {
        int k = confusion.length;
        long total = 0;
        long correct = 0;
        double[] perClass = new double[k];
        for (int i = 0; i < k; i++) {
            long row = 0;
            for (int j = 0; j < k; j++) {
                row += confusion[i][j];
            }
            total += row;
            correct += confusion[i][i];
            perClass[i] = row == 0 ? Double.NaN : confusion[i][i] / (double) row;
        }
        return new EvalResult((int) total, total == 0 ? Double.NaN : correct / (double) total,
                total == 0 ? Double.NaN : top5Hits / (double) total, perClass, confusion, classes, samplesPerSecond);
    }

    /** Index of the largest of {@code v[off, off+k)}; ties go to the lowest index. */
    public static int argmax(float[] v, int off, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (v[off + j] > v[off + best]) {
                best = j;
            }
        }
        return best;
    }

    /** How many entries of {@code v[off, off+k)} are strictly larger than entry {@code c} (0 = top-1). */
    static int rank(float[] v, int off, int k, int c) {
        int r = 0;
        for (int j = 0; j < k; j++) {
            if (v[off + j] > v[off + c]) {
                r++;
            }
        }
        return r;
    }

    /** Row-major floats of a 2-D array, whatever its type, order or offset. */
    public static float[] floats(INDArray a) {
        return a.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
    }

    /** Accuracy only, on the first {@code limit} examples. */
    public static double accuracy(Net net, Batches data, int batchSize, int limit) {
        return accuracy(x -> floats(net.output(x)), data, batchSize, limit);
    }

    /** {@link #accuracy(Net, Batches, int, int)} of any {@link Model}. */
    public static double accuracy(Model net, Batches data, int batchSize, int limit) {
        int n = Math.min(limit, data.data().size());
        int k = data.data().numClasses();
        int[] labels = data.data().labels();
        int[] hits = {0};
        forEachRow(net, data, batchSize, n, "accuracy", (i, logits, row) -> {
            if (argmax(logits, row, k) == labels[i]) {
                hits[0]++;
            }
        });
        return n == 0 ? Double.NaN : hits[0] / (double) n;
    }

    /** Called once per example with the batch's logits and the offset of the example's row in them. */
    private interface RowVisitor {
        void visit(int example, float[] logits, int rowOffset);
    }

    /** Runs the first {@code n} examples through {@code net} in batches (inference mode, with progress). */
    private static void forEachRow(Model net, Batches data, int batchSize, int n, String task, RowVisitor visitor) {
        int k = data.data().numClasses();
        int[] order = data.inOrder();
        try (Progress pb = Progress.steps(task + " " + data.data().name(), n, "examples")) {
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                float[] logits = net.logits(data.features(order, from, to, null));
                for (int i = from; i < to; i++) {
                    visitor.visit(i, logits, (i - from) * k);
                }
                pb.step(to - from);
            }
        }
    }
}
