package org.distill4j.data;

import java.util.Random;
import org.distill4j.config.AugmentConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns an {@link ImageDataset} into minibatches: features [b, c·h·w] as floats in [0, 1], labels one-hot
 * [b, k]. An epoch is a fresh permutation drawn from the caller's RNG; augmentation (random flip and shift, then
 * mixup or CutMix over the batch) draws from the same RNG, so a run is repeatable from its seed.
 */
public final class Batches {
    private final ImageDataset data;
    private final AugmentConfig augment;

    public Batches(ImageDataset data, AugmentConfig augment) {
        this.data = data;
        this.augment = augment == null ? AugmentConfig.none() : augment;
    }

    public ImageDataset data() {
        return data;
    }

    public boolean deterministic() {
        return augment.deterministic();
    }

    public int numBatches(int batchSize) {
        return (data.size() + batchSize - 1) / batchSize;
    }

    /** A shuffled order of all examples for one epoch. */
    public int[] epochOrder(Random rng) {
        return ImageDataset.permutation(data.size(), rng);
    }

    /** A training batch: its (augmented, possibly mixed) features and how it was mixed, for its labels. */
    public record Batch(INDArray features, Mixing mixing) {
    }

    /**
     * The training batch of {@code order[from, to)}: each image flipped and shifted as configured, then the batch
     * mixed (mixup or CutMix), all drawn from {@code rng}.
     */
    public Batch trainingBatch(int[] order, int from, int to, Random rng) {
        float[] buf = pixels(order, from, to, rng);
        Mixing mix = rng == null ? Mixing.NONE : Mixing.draw(augment, to - from, data.height(), data.width(), rng);
        mix.mixImages(buf, to - from, data.channels(), data.height(), data.width());
        return new Batch(Nd4j.create(buf, new long[]{to - from, data.pixelsPerImage()}, 'c'), mix);
    }

    /**
     * Features of {@code order[from, to)}, each image flipped and shifted with {@code rng} when that is configured
     * (pass null for none); never mixed (see {@link #trainingBatch}).
     */
    public INDArray features(int[] order, int from, int to, Random rng) {
        return Nd4j.create(pixels(order, from, to, rng), new long[]{to - from, data.pixelsPerImage()}, 'c');
    }

    private float[] pixels(int[] order, int from, int to, Random rng) {
        int p = data.pixelsPerImage();
        float[] buf = new float[(to - from) * p];
        if (data.tabular()) { // rows of feature values: never flipped or shifted (the loader refuses that)
            for (int i = from; i < to; i++) {
                System.arraycopy(data.values(), order[i] * p, buf, (i - from) * p, p);
            }
            return buf;
        }
        byte[] px = data.pixels();
        for (int i = from; i < to; i++) {
            int src = order[i] * p;
            int dst = (i - from) * p;
            if (rng == null || !augment.perImage()) {
                for (int j = 0; j < p; j++) {
                    buf[dst + j] = (px[src + j] & 0xff) * (1f / 255f);
                }
            } else {
                augmentInto(px, src, buf, dst, rng);
            }
        }
        return buf;
    }

    private void augmentInto(byte[] px, int src, float[] buf, int dst, Random rng) {
        int h = data.height();
        int w = data.width();
        boolean flip = augment.flip() && rng.nextBoolean();
        int s = augment.shift();
        int dy = s == 0 ? 0 : rng.nextInt(2 * s + 1) - s;
        int dx = s == 0 ? 0 : rng.nextInt(2 * s + 1) - s;
        for (int c = 0; c < data.channels(); c++) {
            int plane = c * h * w;
            for (int y = 0; y < h; y++) {
                int sy = y - dy;
                for (int x = 0; x < w; x++) {
                    int sx = x - dx;
                    if (flip) {
                        sx = w - 1 - sx;
                    }
                    float v = 0f;
                    if (sy >= 0 && sy < h && sx >= 0 && sx < w) {
                        v = (px[src + plane + sy * w + sx] & 0xff) * (1f / 255f);
                    }
                    buf[dst + plane + y * w + x] = v;
                }
            }
        }
    }

    /** One-hot labels of {@code order[from, to)}. */
    public INDArray oneHot(int[] order, int from, int to) {
        int k = data.numClasses();
        float[] buf = new float[(to - from) * k];
        for (int i = from; i < to; i++) {
            buf[(i - from) * k + data.labels()[order[i]]] = 1f;
        }
        return Nd4j.create(buf, new long[]{to - from, k}, 'c');
    }

    /**
     * Distillation labels of {@code order[from, to)}: each row is the example's cached teacher logits (row
     * {@code order[i]} of {@code teacherLogits}, a row-major [n, k] table in dataset order) followed by its one-hot
     * label, the layout {@code DistillationLoss} reads. Built in one pass on the heap, one native copy per batch.
     */
    public INDArray teacherAndOneHot(float[] teacherLogits, int[] order, int from, int to) {
        int k = data.numClasses();
        if (teacherLogits.length % k != 0) {
            throw new IllegalArgumentException("teacher logits: " + teacherLogits.length
                    + " values is not a whole number of rows of " + k);
        }
        float[] buf = new float[(to - from) * 2 * k];
        for (int i = from; i < to; i++) {
            int row = (i - from) * 2 * k;
            System.arraycopy(teacherLogits, order[i] * k, buf, row, k);
            buf[row + k + data.labels()[order[i]]] = 1f;
        }
        return Nd4j.create(buf, new long[]{to - from, 2L * k}, 'c');
    }

    /** A plain (features, one-hot) batch. */
    public DataSet batch(int[] order, int from, int to, Random rng) {
        return new DataSet(features(order, from, to, rng), oneHot(order, from, to));
    }

    /** The identity order 0..n-1 (evaluation). */
    public int[] inOrder() {
        int[] o = new int[data.size()];
        for (int i = 0; i < o.length; i++) {
            o[i] = i;
        }
        return o;
    }
}
