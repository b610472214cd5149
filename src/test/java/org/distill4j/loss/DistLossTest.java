package org.distill4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.distill4j.math.Dist;
import org.junit.jupiter.api.Test;

/**
 * DIST: its batch loss and gradient equal an independent computation (the reference formulation, gradients by
 * central differences, in Python), the Pearson correlation of hand-checked vectors, DL4J's double-precision
 * gradient check (the intra-class term couples the rows of a batch) and a JSON round trip.
 */
class DistLossTest extends LossChecks {
    @Test
    void pearsonOfHandCheckedVectors() {
        double[] da = new double[3];
        // a = [1, 2, 3], b = [2, 4, 6]: perfectly correlated; b = [3, 2, 1]: perfectly anti-correlated
        assertEquals(1.0, Dist.pearson(new double[]{1, 2, 3}, new double[]{2, 4, 6}, 3, da), 1e-8);
        assertEquals(-1.0, Dist.pearson(new double[]{1, 2, 3}, new double[]{3, 2, 1}, 3, da), 1e-8);
        // a = [1, 0, 0], b = [0, 1, 0]: centred [2/3, −1/3, −1/3] and [−1/3, 2/3, −1/3]: (−2/9 −2/9 + 1/9)/(6/9) = −1/2
        assertEquals(-0.5, Dist.pearson(new double[]{1, 0, 0}, new double[]{0, 1, 0}, 3, da), 1e-8);
        // a constant: no spread, correlation 0 and a finite gradient
        assertEquals(0.0, Dist.pearson(new double[]{1, 1, 1}, new double[]{0, 1, 0}, 3, da), 1e-12);
        assertTrue(Double.isFinite(da[0]));
    }

    /**
     * Three rows: teacher [2, 1, −1], [0.3, −0.7, 2.5], [1, 1.5, 0.2]; student [0.5, 1.5, −0.5], [1, 0.2, 0.1],
     * [−0.3, 0.8, 0.4]; targets 0, 2, 1. Expected: the batch-mean loss and the gradient of the batch total.
     */
    @Test
    void lossAndGradientMatchAnIndependentComputation() {
        double[] labels = {2.0, 1.0, -1.0, 1, 0, 0, 0.3, -0.7, 2.5, 0, 0, 1, 1.0, 1.5, 0.2, 0, 1, 0};
        double[] student = {0.5, 1.5, -0.5, 1.0, 0.2, 0.1, -0.3, 0.8, 0.4};
        double[][] settings = {{1.0, 1.0, 1.0, 1.0}, {4.0, 2.0, 0.5, 0.0}};
        double[] expectedMean = {3.148212235118661, 33.31222511938203};
        double[][] expectedGrad = {
                {-1.87634387, 1.51712472, 0.35921915, 0.98884783, 1.20020405, -2.18905188, 0.20732299, -2.34904854,
                        2.14172555},
                {-22.18411516, 12.46387312, 9.72024204, 0.96583311, 31.06117598, -32.02700906, -8.37181833,
                        -28.02966483, 36.40148318}};
        for (int c = 0; c < settings.length; c++) {
            double[] s = settings[c];
            double[] loss = new double[3];
            double[] grad = new double[9];
            Dist.rows(labels, student, 3, 3, s[0], s[1], s[2], s[3], loss, grad);
            assertEquals(expectedMean[c], (loss[0] + loss[1] + loss[2]) / 3, 1e-9, "setting " + c);
            for (int j = 0; j < 9; j++) {
                assertEquals(expectedGrad[c][j], grad[j], 2e-6, "gradient, setting " + c + ", entry " + j);
            }
        }
    }

    @Test
    void gradientCheckMultiLayerNetwork() {
        for (DistRelationLoss loss : new DistRelationLoss[]{new DistRelationLoss(1, 1, 1, 1),
                new DistRelationLoss(4, 2, 0.5, 0), new DistRelationLoss(2, 0, 3, 0.5)}) {
            assertGradientCheck(loss);
        }
    }

    @Test
    void jsonRoundTrip() {
        assertJsonRoundTrip(new DistRelationLoss(2, 1.5, 0.5, 1));
    }
}
