package org.distill4j.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hint and attention-transfer losses against hand-computed values, their gradients against finite differences. */
class FeatureDistanceTest {
    @Test
    void hintIsTheWeightedMeanSquaredDifference() {
        double[] loss = new double[2];
        double[] grad = new double[4];
        // row 0: diffs (1, -2) -> (1 + 4) / 2 = 2.5; row 1: equal -> 0. Weight 3.
        FeatureDistance.hintRows(new double[] {1, 2, 5, 5}, new double[] {2, 0, 5, 5}, 2, 2, 3.0, loss, grad);
        assertArrayEquals(new double[] {7.5, 0}, loss, 1e-12);
        // 2 * 3 * diff / 2
        assertArrayEquals(new double[] {3, -6, 0, 0}, grad, 1e-12);
    }

    @Test
    void attentionIsTheNormalisedChannelMeanOfSquares() {
        // channel 0 = (1, 2), channel 1 = (3, 0): q = ((1 + 9) / 2, (4 + 0) / 2) = (5, 2), |q| = sqrt(29)
        double[] a = new double[2];
        double norm = FeatureDistance.attention(new double[] {1, 2, 3, 0}, 0, 2, 2, a);
        assertEquals(Math.sqrt(29), norm, 1e-12);
        assertArrayEquals(new double[] {5 / Math.sqrt(29), 2 / Math.sqrt(29)}, a, 1e-12);
        // the sign of a feature does not matter, and an all-zero map stays zero (no division by zero)
        assertArrayEquals(a, FeatureDistance.attentionRows(new double[] {-1, 2, 3, 0}, 1, 2, 2), 1e-12);
        assertArrayEquals(new double[] {0, 0}, FeatureDistance.attentionRows(new double[4], 1, 2, 2), 0.0);
    }

    @Test
    void attentionTransferOfUnitMapsIsOneMinusTheirCosine() {
        // student map a = (5, 2) / sqrt(29), target t = (1, 0): mean (a - t)^2 = (2 - 2 a.t) / 2 = 1 - 5 / sqrt(29)
        double[] loss = new double[1];
        double[] grad = new double[4];
        FeatureDistance.attentionTransferRows(new double[] {1, 0}, new double[] {1, 2, 3, 0}, 1, 2, 2, 1.0, loss,
                grad);
        assertEquals(1 - 5 / Math.sqrt(29), loss[0], 1e-12);
        // identical maps, scaled features: zero loss
        FeatureDistance.attentionTransferRows(FeatureDistance.attentionRows(new double[] {1, 2, 3, 0}, 1, 2, 2),
                new double[] {2, 4, 6, 0}, 1, 2, 2, 7.0, loss, grad);
        assertEquals(0, loss[0], 1e-12);
        assertArrayEquals(new double[4], grad, 1e-12);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Random r = new Random(3);
        int n = 3;
        int c = 4;
        int h = 5;
        double[] features = new double[n * c * h];
        for (int i = 0; i < features.length; i++) {
            features[i] = r.nextGaussian();
        }
        double[] teacher = new double[n * 2 * h];
        for (int i = 0; i < teacher.length; i++) {
            teacher[i] = r.nextGaussian();
        }
        double[] targetMaps = FeatureDistance.attentionRows(teacher, n, 2, h);
        double[] targetFeatures = new double[n * c * h];
        for (int i = 0; i < targetFeatures.length; i++) {
            targetFeatures[i] = r.nextGaussian();
        }
        double[] loss = new double[n];
        double[] at = new double[features.length];
        double[] hint = new double[features.length];
        FeatureDistance.attentionTransferRows(targetMaps, features, n, c, h, 500, loss, at);
        FeatureDistance.hintRows(targetFeatures, features, n, c * h, 2.0, loss, hint);
        double eps = 1e-6;
        for (int i = 0; i < features.length; i++) {
            double[] plus = features.clone();
            double[] minus = features.clone();
            plus[i] += eps;
            minus[i] -= eps;
            int row = i / (c * h);
            double[] lp = new double[n];
            double[] lm = new double[n];
            double[] g = new double[features.length];
            FeatureDistance.attentionTransferRows(targetMaps, plus, n, c, h, 500, lp, g);
            FeatureDistance.attentionTransferRows(targetMaps, minus, n, c, h, 500, lm, g);
            assertEquals((lp[row] - lm[row]) / (2 * eps), at[i], 1e-5, "attention transfer, feature " + i);
            FeatureDistance.hintRows(targetFeatures, plus, n, c * h, 2.0, lp, g);
            FeatureDistance.hintRows(targetFeatures, minus, n, c * h, 2.0, lm, g);
            assertEquals((lp[row] - lm[row]) / (2 * eps), hint[i], 1e-7, "hint, feature " + i);
        }
    }
}
