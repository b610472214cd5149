package org.distill4j.data;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Images held in memory as unsigned bytes (n × channels × height × width) with integer labels, plus the
 * checksums of the files they came from. Pixels become floats in [0, 1] only when a batch is made. A tabular dataset
 * (CSV rows) holds its feature values as floats in {@code values} instead (then {@code pixels} is empty).
 */
public record ImageDataset(String name, byte[] pixels, int[] labels, int channels, int height, int width,
                           List<String> classNames, Map<String, String> checksums, float[] values) {

    public ImageDataset(String name, byte[] pixels, int[] labels, int channels, int height, int width,
                        List<String> classNames, Map<String, String> checksums) {
        this(name, pixels, labels, channels, height, width, classNames, checksums, null);
    }

    /** Whether this dataset holds float feature values (CSV rows) rather than pixels. */
    public boolean tabular() {
        return values != null;
    }

    public int size() {
        return labels.length;
    }

    public int numClasses() {
        return classNames.size();
    }

    public int pixelsPerImage() {
        return channels * height * width;
    }

    /** The examples at {@code idx}, in that order. */
    public ImageDataset subset(int[] idx, String subsetName) {
        int p = pixelsPerImage();
        byte[] px = new byte[tabular() ? 0 : idx.length * p];
        float[] vs = tabular() ? new float[idx.length * p] : null;
        int[] lb = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            if (tabular()) {
                System.arraycopy(values, idx[i] * p, vs, i * p, p);
            } else {
                System.arraycopy(pixels, idx[i] * p, px, i * p, p);
            }
            lb[i] = labels[idx[i]];
        }
        return new ImageDataset(subsetName, px, lb, channels, height, width, classNames, checksums, vs);
    }

    /**
     * Splits off a validation set of {@code fraction} of the examples, drawn with {@code seed}: the same
     * seed always gives the same split. Returns {train, validation}.
     */
    public ImageDataset[] split(double fraction, long seed) {
        int n = size();
        int nVal = (int) Math.round(n * fraction);
        int[] perm = permutation(n, new Random(seed));
        int[] val = Arrays.copyOfRange(perm, 0, nVal);
        int[] train = Arrays.copyOfRange(perm, nVal, n);
        Arrays.sort(val);
        Arrays.sort(train);
        return new ImageDataset[]{subset(train, name + "/train"), subset(val, name + "/validation")};
    }

    static int[] permutation(int n, Random rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
