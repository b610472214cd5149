package org.distill4j.math;

/**
 * DIST (Huang et al. 2022, "Knowledge Distillation from A Stronger Teacher"): match the teacher's relations, not its
 * probabilities. With {@code Q = softmax(S/T)} and {@code P = softmax(Z/T)} row by row ([n, k]) and the Pearson
 * correlation {@code ρ(a, b) = (a − ā)·(b − b̄) / (‖a − ā‖·‖b − b̄‖ + ε)}:
 * <pre>
 *   inter = 1 − mean over rows i of ρ(Q_i, P_i)          (each example's ranking of the classes)
 *   intra = 1 − mean over classes c of ρ(Q_·c, P_·c)      (each class's ranking of the examples in the batch)
 *   L     = T²·(beta·inter + gamma·intra) + ce·CE(y, softmax(s))
 * </pre>
 * {@code ∂ρ/∂a_i = (b_i − b̄)/(AB + ε) − ρ·B·(a_i − ā)/(A·(AB + ε))} with {@code A = ‖a − ā‖}, {@code B = ‖b − b̄‖},
 * then through the softmax: {@code ∂L/∂s_j = (1/T)·q_j·(g_j − Σ_m q_m·g_m)} for {@code g = ∂L/∂Q}. The intra term
 * belongs to the batch: each row's loss carries it whole (so the batch mean is the loss), and each row's gradient
 * is n times its share (DL4J divides by the batch size).
 */
public final class Dist {
    /** Added to the product of the norms, as in the reference implementation. */
    public static final double EPS = 1e-8;

    private Dist() {
    }

    /**
     * Loss and gradient for {@code n} rows of {@code k} classes: {@code labels} holds {@code [t | y]} per row
     * ({@code 2k} columns), {@code student} and {@code grad} are [n, k] row-major, {@code loss} is [n].
     */
    public static void rows(double[] labels, double[] student, int n, int k, double temperature, double beta,
                            double gamma, double ce, double[] loss, double[] grad) {
        double[] q = new double[n * k];
        double[] p = new double[n * k];
        double[] y = new double[n * k];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < k; j++) {
                p[r * k + j] = labels[r * 2 * k + j];
                y[r * k + j] = labels[r * 2 * k + k + j];
            }
            softmaxRow(student, r * k, k, temperature, q);
            softmaxRow(p, r * k, k, temperature, p);
        }
        double t2 = temperature * temperature;
        double[] g = new double[n * k]; // ∂(batch total of the relation terms)/∂Q
        double[] a = new double[Math.max(n, k)];
        double[] b = new double[Math.max(n, k)];
        double[] da = new double[Math.max(n, k)];
        double interSum = 0;
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < k; j++) {
                a[j] = q[r * k + j];
                b[j] = p[r * k + j];
            }
            double rho = pearson(a, b, k, da);
            interSum += rho;
            for (int j = 0; j < k; j++) {
                g[r * k + j] -= t2 * beta * da[j]; // row r's own loss is T²·beta·(1 − ρ_r)
            }
            loss[r] = t2 * beta * (1 - rho);
        }
        double intra = 0;
        if (n > 1 && gamma != 0) {
            double rhoSum = 0;
            for (int c = 0; c < k; c++) {
                for (int r = 0; r < n; r++) {
                    a[r] = q[r * k + c];
                    b[r] = p[r * k + c];
                }
                rhoSum += pearson(a, b, n, da);
                for (int r = 0; r < n; r++) {
                    // every row carries T²·gamma·intra: the batch total holds it n times
                    g[r * k + c] -= t2 * gamma * n * da[r] / k;
                }
            }
            intra = 1 - rhoSum / k;
        }
        for (int r = 0; r < n; r++) {
            loss[r] += t2 * gamma * intra;
            int o = r * k;
            double dot = 0;
            for (int j = 0; j < k; j++) {
                dot += q[o + j] * g[o + j];
            }
            double lse = logSumExp(student, o, k);
            double ySum = 0;
            for (int j = 0; j < k; j++) {
                ySum += y[o + j];
            }
            for (int j = 0; j < k; j++) {
                grad[o + j] = q[o + j] * (g[o + j] - dot) / temperature
                        + ce * (Math.exp(student[o + j] - lse) * ySum - y[o + j]);
                loss[r] -= ce * y[o + j] * (student[o + j] - lse);
            }
        }
    }

    /**
     * The Pearson correlation of {@code a} and {@code b} (their first {@code m} entries), with {@link #EPS} added
     * to the product of the centred norms; fills {@code da} with ∂ρ/∂a.
     */
    public static double pearson(double[] a, double[] b, int m, double[] da) {
        double am = 0;
        double bm = 0;
        for (int i = 0; i < m; i++) {
            am += a[i];
            bm += b[i];
        }
        am /= m;
        bm /= m;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < m; i++) {
            ab += (a[i] - am) * (b[i] - bm);
            aa += (a[i] - am) * (a[i] - am);
            bb += (b[i] - bm) * (b[i] - bm);
        }
        double na = Math.sqrt(aa);
        double nb = Math.sqrt(bb);
        double den = na * nb + EPS;
        double rho = ab / den;
        for (int i = 0; i < m; i++) {
            double own = na == 0 ? 0 : rho * nb * (a[i] - am) / (na * den);
            da[i] = (b[i] - bm) / den - own;
        }
        return rho;
    }

    private static void softmaxRow(double[] z, int off, int k, double temperature, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, z[off + j] / temperature);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            out[off + j] = Math.exp(z[off + j] / temperature - max);
            sum += out[off + j];
        }
        for (int j = 0; j < k; j++) {
            out[off + j] /= sum;
        }
    }

    private static double logSumExp(double[] z, int off, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, z[off + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(z[off + j] - max);
        }
        return max + Math.log(sum);
    }
}
