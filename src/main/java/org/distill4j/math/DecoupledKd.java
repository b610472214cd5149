package org.distill4j.math;

/**
 * Decoupled knowledge distillation (Zhao et al. 2022, "Decoupled Knowledge Distillation"), on rows of raw logits.
 * With {@code p = softmax(t/T)}, {@code q = softmax(s/T)}, the target class {@code g} and the non-target
 * distributions {@code p̂ = softmax over j ≠ g of t_j/T} (likewise {@code q̂}):
 * <pre>
 *   TCKD = p_g·log(p_g/q_g) + (1 − p_g)·log((1 − p_g)/(1 − q_g))        (binary: target vs the rest)
 *   NCKD = Σ_{j≠g} p̂_j·log(p̂_j/q̂_j)                                    (among the non-target classes)
 *   L    = w·T²·(alpha·TCKD + beta·NCKD) + ce·CE(y, softmax(s))
 *   ∂L/∂s_g = w·T·alpha·(q_g − p_g) + ce·(softmax(s)_g·Σy − y_g)
 *   ∂L/∂s_j = w·T·(beta·(q̂_j − p̂_j) − alpha·q̂_j·(q_g − p_g)) + ce·(softmax(s)_j·Σy − y_j)     (j ≠ g)
 * </pre>
 * {@code w} is the warm-up factor. The target is the largest entry of {@code y}. Every log goes through a
 * max-shifted log-sum-exp ({@code log(1 − q_g)} is the non-target classes' log-sum-exp minus the full one), so a
 * confident student neither overflows nor takes log(0).
 */
public final class DecoupledKd {
    private DecoupledKd() {
    }

    /**
     * Loss and gradient for {@code n} rows of {@code k} classes: {@code labels} holds {@code [t | y]} per row
     * ({@code 2k} columns), {@code student} and {@code grad} are [n, k] row-major, {@code loss} is [n].
     */
    public static void rows(double[] labels, double[] student, int n, int k, double temperature, double alpha,
                            double beta, double ce, double warm, double[] loss, double[] grad) {
        if (k < 2) {
            throw new IllegalArgumentException("decoupled KD needs at least 2 classes, got " + k);
        }
        double[] qHat = new double[k];
        double[] pHat = new double[k];
        for (int r = 0; r < n; r++) {
            int so = r * k;
            int to = r * 2 * k;
            int yo = to + k;
            int g = 0;
            double ySum = 0;
            for (int j = 0; j < k; j++) {
                ySum += labels[yo + j];
                if (labels[yo + j] > labels[yo + g]) {
                    g = j;
                }
            }
            // cross-entropy on softmax(s)
            double sLse = logSumExp(student, so, k, 1.0, -1);
            double l = 0;
            for (int j = 0; j < k; j++) {
                double y = labels[yo + j];
                l -= ce * y * (student[so + j] - sLse);
                grad[so + j] = ce * (Math.exp(student[so + j] - sLse) * ySum - y);
            }
            double scale = warm * temperature;
            if (scale != 0.0) {
                double tAll = logSumExp(labels, to, k, temperature, -1);
                double tRest = logSumExp(labels, to, k, temperature, g);
                double uAll = logSumExp(student, so, k, temperature, -1);
                double uRest = logSumExp(student, so, k, temperature, g);
                double logPg = labels[to + g] / temperature - tAll;
                double logQg = student[so + g] / temperature - uAll;
                double logPrest = tRest - tAll;
                double logQrest = uRest - uAll;
                double pg = Math.exp(logPg);
                double qg = Math.exp(logQg);
                double tckd = pg * (logPg - logQg) + Math.exp(logPrest) * (logPrest - logQrest);
                double nckd = 0;
                for (int j = 0; j < k; j++) {
                    if (j == g) {
                        continue;
                    }
                    double logPHat = labels[to + j] / temperature - tRest;
                    double logQHat = student[so + j] / temperature - uRest;
                    pHat[j] = Math.exp(logPHat);
                    qHat[j] = Math.exp(logQHat);
                    nckd += pHat[j] * (logPHat - logQHat);
                }
                l += scale * temperature * (alpha * tckd + beta * nckd);
                grad[so + g] += scale * alpha * (qg - pg);
                for (int j = 0; j < k; j++) {
                    if (j != g) {
                        grad[so + j] += scale * (beta * (qHat[j] - pHat[j]) - alpha * qHat[j] * (qg - pg));
                    }
                }
            }
            loss[r] = l;
        }
    }

    /** log Σ_j exp(x[off + j] / T) over the {@code k} entries, leaving out index {@code skip} (−1: none). */
    static double logSumExp(double[] x, int off, int k, double temperature, int skip) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            if (j != skip) {
                max = Math.max(max, x[off + j] / temperature);
            }
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            if (j != skip) {
                sum += Math.exp(x[off + j] / temperature - max);
            }
        }
        return max + Math.log(sum);
    }
}
