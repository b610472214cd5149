package org.distill4j.data;

import java.util.Random;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.distill4j.config.AugmentConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How one batch is mixed: every example {@code i} is combined with example {@code partner[i]} of the same batch
 * (a random permutation), with the weight {@code keep} on its own image and label. Mixup (Zhang et al. 2018) blends
 * whole images, {@code x = keep·x_i + (1 − keep)·x_partner}; CutMix (Yun et al. 2019) pastes the box
 * {@code [y0, y1) × [x0, x1)} of the partner into the image, and {@code keep} is the share of pixels left
 * unpasted. Labels (one-hot or any per-example row) mix with the same weights. One draw per batch, as the papers
 * and their reference code do: {@code keep ~ Beta(a, a)} and one permutation.
 */
public record Mixing(int[] partner, double keep, int y0, int y1, int x0, int x1) {
    /** The identity: nothing mixed. */
    public static final Mixing NONE = new Mixing(null, 1.0, 0, 0, 0, 0);

    public boolean cut() {
        return partner != null && y1 > y0;
    }

    /**
     * Draws the mixing of a batch of {@code n} images of {@code h × w} from {@code rng} (the run's augmentation
     * stream, so a resumed stage draws the same), or {@link #NONE} when {@code a} mixes nothing.
     */
    public static Mixing draw(AugmentConfig a, int n, int h, int w, Random rng) {
        if (!a.mixes() || n < 2) {
            return NONE;
        }
        boolean cutmix = a.cutmix() > 0 && (a.mixup() == 0 || rng.nextBoolean());
        double conc = cutmix ? a.cutmix() : a.mixup();
        double lam = new BetaDistribution(new Well19937c(rng.nextLong()), conc, conc).sample();
        int[] perm = ImageDataset.permutation(n, rng);
        if (!cutmix) {
            return new Mixing(perm, lam, 0, 0, 0, 0);
        }
        int[] box = box(h, w, lam, rng.nextDouble(), rng.nextDouble());
        double pasted = (double) (box[1] - box[0]) * (box[3] - box[2]) / ((double) h * w);
        return new Mixing(perm, 1.0 - pasted, box[0], box[1], box[2], box[3]);
    }

    /**
     * CutMix's box for the weight {@code lam}: sides {@code h·√(1 − lam)} and {@code w·√(1 − lam)} (rounded down),
     * centred at ({@code u·h}, {@code v·w}) and clipped to the image: {@code {y0, y1, x0, x1}}, end exclusive.
     */
    static int[] box(int h, int w, double lam, double u, double v) {
        double r = Math.sqrt(1.0 - lam);
        int ch = (int) (h * r);
        int cw = (int) (w * r);
        int cy = (int) (u * h);
        int cx = (int) (v * w);
        return new int[]{clamp(cy - ch / 2, h), clamp(cy + ch / 2, h), clamp(cx - cw / 2, w), clamp(cx + cw / 2, w)};
    }

    private static int clamp(int x, int max) {
        return Math.max(0, Math.min(max, x));
    }

    /**
     * Mixes a batch of images in place: {@code buf} holds {@code n} rows of {@code channels × h × w} values (each row
     * channel-major), as {@link Batches} lays them out.
     */
    public void mixImages(float[] buf, int n, int channels, int h, int w) {
        if (partner == null) {
            return;
        }
        int p = channels * h * w;
        float[] src = buf.clone();
        float a = (float) keep;
        float b = (float) (1.0 - keep);
        for (int i = 0; i < n; i++) {
            int dst = i * p;
            int from = partner[i] * p;
            if (!cut()) {
                for (int j = 0; j < p; j++) {
                    buf[dst + j] = a * src[dst + j] + b * src[from + j];
                }
                continue;
            }
            for (int c = 0; c < channels; c++) {
                int plane = c * h * w;
                for (int y = y0; y < y1; y++) {
                    int row = plane + y * w;
                    System.arraycopy(src, from + row + x0, buf, dst + row + x0, x1 - x0);
                }
            }
        }
    }

    /** Mixes per-example rows (labels, cached teacher logits): {@code keep·rows + (1 − keep)·rows[partner]}. */
    public INDArray mixRows(INDArray rows) {
        if (partner == null) {
            return rows;
        }
        INDArray other = Nd4j.pullRows(rows, 1, partner);
        return rows.mul(keep).addi(other.muli(1.0 - keep));
    }
}
