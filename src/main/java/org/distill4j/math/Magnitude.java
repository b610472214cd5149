package org.distill4j.math;

import java.util.Arrays;

/**
 * Magnitude pruning masks: the smallest-|w| fraction of weights is removed, exactly that many, ties broken by index.
 */
public final class Magnitude {
    private Magnitude() {
    }

    /** How many of {@code n} weights a sparsity removes: floor(s · n). */
    public static int prunedCount(int n, double sparsity) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
        }
        return (int) Math.floor(sparsity * n + 1e-9);
    }

    /**
     * A keep-mask (1 keep, 0 pruned) over {@code weights} removing {@link #prunedCount} of them, smallest
     * absolute value first; among equal magnitudes the lower index goes first. Already-zero weights count as
     * smallest, so a mask never grows back once the schedule only increases.
     */
    public static float[] mask(float[] weights, double sparsity) {
        int n = weights.length;
        int m = prunedCount(n, sparsity);
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> {
            int c = Float.compare(Math.abs(weights[a]), Math.abs(weights[b]));
            return c != 0 ? c : Integer.compare(a, b);
        });
        float[] keep = new float[n];
        Arrays.fill(keep, 1f);
        for (int i = 0; i < m; i++) {
            keep[idx[i]] = 0f;
        }
        return keep;
    }

    /** The fraction of exact zeros in {@code values}. */
    public static double sparsity(float[] values) {
        int z = 0;
        for (float v : values) {
            if (v == 0f) {
                z++;
            }
        }
        return values.length == 0 ? 0 : (double) z / values.length;
    }
}
