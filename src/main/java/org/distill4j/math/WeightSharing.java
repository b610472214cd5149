package org.distill4j.math;

import java.util.Arrays;

/**
 * Weight sharing by k-means (Han, Mao &amp; Dally 2016, "Deep Compression"): a layer's weights take one of
 * {@code 2^bits} shared values. One of them is fixed at 0 — the value of pruned weights and of the sparse format's
 * fillers — and the other {@code 2^bits − 1} centroids are initialised linearly between the smallest and largest
 * nonzero weight (the initialisation Han et al. found best: it keeps the rare large weights represented) and refined
 * by Lloyd's algorithm in one dimension over the nonzero weights. Exact zeros stay zero.
 * <p>commons-math3's clusterer seeds with k-means++ and takes no initial centroids, which this linear initialisation
 * needs; Lloyd's iteration in one dimension is a sort and a few passes.
 */
public final class WeightSharing {
    /** Lloyd iterations at most (it stops earlier once no weight changes its centroid). */
    static final int MAX_ITERATIONS = 50;

    private WeightSharing() {
    }

    /** Number of shared values for {@code bits}: 2^bits, the zero included. */
    public static int levels(int bits) {
        Quantizer.checkBits(bits);
        return 1 << bits;
    }

    /**
     * The linear initial codebook: entry 0 is 0, entries 1..m are {@code min + (max − min)·(j − 1)/(m − 1)} over the
     * nonzero weights' range ({@code m = 2^bits − 1}); all zero when every weight is.
     */
    public static float[] linearInit(float[] w, int bits) {
        int m = levels(bits) - 1;
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : w) {
            if (v != 0f) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        float[] c = new float[m + 1];
        if (lo > hi) {
            return c;
        }
        for (int j = 1; j <= m; j++) {
            c[j] = m == 1 ? (lo + hi) / 2 : (float) (lo + (double) (hi - lo) * (j - 1) / (m - 1));
        }
        return c;
    }

    /**
     * The index of the centroid nearest to {@code v} among entries 1.. of {@code codebook} (ties to the lower
     * index); 0 for an exact zero.
     */
    public static int nearest(float v, float[] codebook) {
        if (v == 0f) {
            return 0;
        }
        int best = 1;
        double bestD = Math.abs((double) v - codebook[1]);
        for (int j = 2; j < codebook.length; j++) {
            double d = Math.abs((double) v - codebook[j]);
            if (d < bestD) {
                best = j;
                bestD = d;
            }
        }
        return best;
    }

    /** Shares one layer's weights: linear initialisation, then Lloyd's iterations; the codes index the codebook. */
    public static Quantizer.Channels cluster(float[] w, int bits) {
        float[] c = linearInit(w, bits);
        int[] codes = new int[w.length];
        Arrays.fill(codes, -1);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            boolean changed = false;
            for (int i = 0; i < w.length; i++) {
                int k = nearest(w[i], c);
                changed |= k != codes[i];
                codes[i] = k;
            }
            if (!changed) {
                break;
            }
            double[] sum = new double[c.length];
            int[] count = new int[c.length];
            for (int i = 0; i < w.length; i++) {
                sum[codes[i]] += w[i];
                count[codes[i]]++;
            }
            for (int j = 1; j < c.length; j++) {
                if (count[j] > 0) {
                    c[j] = (float) (sum[j] / count[j]); // an empty cluster keeps its value
                }
            }
        }
        return Quantizer.Channels.shared(codes, c, bits);
    }

    /**
     * Fine-tunes the shared values: each centroid (the zero aside) moves by the mean of the updates {@code delta} its
     * weights received — Han et al.'s "gradients grouped by centroid and accumulated", averaged so that the step of a
     * centroid does not grow with its cluster's size under an adaptive optimizer. Returns the new codebook.
     */
    public static float[] update(float[] codebook, int[] codes, float[] delta) {
        double[] sum = new double[codebook.length];
        int[] count = new int[codebook.length];
        for (int i = 0; i < codes.length; i++) {
            sum[codes[i]] += delta[i];
            count[codes[i]]++;
        }
        float[] out = codebook.clone();
        for (int j = 1; j < out.length; j++) {
            if (count[j] > 0) {
                out[j] = (float) (out[j] + sum[j] / count[j]);
            }
        }
        return out;
    }
}
