package org.distill4j.math;

/**
 * The feature losses, per example, with their gradients.
 * <ul>
 *   <li>Hint (FitNets, Romero et al. 2015): {@code L = w·mean_d (r_d − t_d)²} between the student's regressed feature
 *   {@code r} and the teacher's feature {@code t} ({@code d} features), so {@code ∂L/∂r_d = 2w·(r_d − t_d)/d}.
 *   The mean (rather than FitNets' half sum) keeps the weight's scale independent of the layer's size.</li>
 *   <li>Attention transfer (Zagoruyko and Komodakis 2017, p = 2): a feature map {@code F} of {@code c} channels by
 *   {@code h} positions gives {@code q_j = (1/c)·Σ_ch F_ch,j²} and the attention map {@code a = q / max(‖q‖, ε)};
 *   {@code L = w·mean_j (a_j − t_j)²} against the teacher's attention map {@code t}. Through the normalisation
 *   ({@code ‖q‖ ≥ ε}): {@code ∂L/∂q_j = (g_j − a_j·(g·a)) / ‖q‖} with {@code g_j = 2w·(a_j − t_j)/h}, and
 *   {@code ∂q_j/∂F_ch,j = 2F_ch,j/c}. The paper's {@code β/2·‖·‖²} with {@code β = 1000} is {@code w = 500}.</li>
 * </ul>
 * Feature maps are flattened row-major, channel by channel: value {@code (ch, j)} of example {@code r} is at
 * {@code r·c·h + ch·h + j}.
 */
public final class FeatureDistance {
    /** The smallest norm an attention map is divided by (as {@code torch.nn.functional.normalize}). */
    public static final double EPS = 1e-12;

    private FeatureDistance() {
    }

    /** Hint loss and gradient for {@code n} rows of {@code d} features: {@code loss[n]}, {@code grad[n·d]}. */
    public static void hintRows(double[] target, double[] student, int n, int d, double weight, double[] loss,
                                double[] grad) {
        for (int r = 0; r < n; r++) {
            double sum = 0;
            for (int i = r * d; i < (r + 1) * d; i++) {
                double diff = student[i] - target[i];
                sum += diff * diff;
                grad[i] = 2 * weight * diff / d;
            }
            loss[r] = weight * sum / d;
        }
    }

    /**
     * The attention map of one example's feature map ({@code c} channels of {@code h} positions, starting at
     * {@code from}) into {@code out[0..h)}; returns the norm {@code max(‖q‖, ε)} it was divided by.
     */
    public static double attention(double[] features, int from, int c, int h, double[] out) {
        java.util.Arrays.fill(out, 0, h, 0.0);
        for (int ch = 0; ch < c; ch++) {
            int base = from + ch * h;
            for (int j = 0; j < h; j++) {
                double f = features[base + j];
                out[j] += f * f / c;
            }
        }
        double norm = 0;
        for (int j = 0; j < h; j++) {
            norm += out[j] * out[j];
        }
        norm = Math.max(Math.sqrt(norm), EPS);
        for (int j = 0; j < h; j++) {
            out[j] /= norm;
        }
        return norm;
    }

    /** Attention maps ({@code [n, h]}) of {@code n} feature maps of {@code c} channels by {@code h} positions. */
    public static double[] attentionRows(double[] features, int n, int c, int h) {
        double[] out = new double[n * h];
        double[] a = new double[h];
        for (int r = 0; r < n; r++) {
            attention(features, r * c * h, c, h, a);
            System.arraycopy(a, 0, out, r * h, h);
        }
        return out;
    }

    /**
     * Attention-transfer loss and gradient: {@code target} holds the teacher's attention maps ([n, h]), {@code student}
     * the student's feature maps ([n, c·h]); fills {@code loss[n]} and {@code grad[n·c·h]}.
     */
    public static void attentionTransferRows(double[] target, double[] student, int n, int c, int h, double weight,
                                             double[] loss, double[] grad) {
        double[] a = new double[h];
        double[] g = new double[h];
        for (int r = 0; r < n; r++) {
            int from = r * c * h;
            double norm = attention(student, from, c, h, a);
            double sum = 0;
            double ga = 0;
            for (int j = 0; j < h; j++) {
                double diff = a[j] - target[r * h + j];
                sum += diff * diff;
                g[j] = 2 * weight * diff / h;
                ga += g[j] * a[j];
            }
            loss[r] = weight * sum / h;
            boolean clamped = norm <= EPS; // below ε the map is q/ε: no normalisation term in the derivative
            for (int j = 0; j < h; j++) {
                double dq = (clamped ? g[j] : g[j] - a[j] * ga) / norm;
                for (int ch = 0; ch < c; ch++) {
                    int i = from + ch * h + j;
                    grad[i] = dq * 2 * student[i] / c;
                }
            }
        }
    }
}
