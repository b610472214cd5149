package org.distill4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.distill4j.math.DecoupledKd;
import org.junit.jupiter.api.Test;

/**
 * Decoupled KD: its loss and gradient equal an independent computation (the paper's formulation with full softmaxes
 * and a masked target, gradients by central differences, in Python), its warm-up factor, DL4J's double-precision
 * gradient check, and a JSON round trip.
 */
class DkdLossTest extends LossChecks {
    @Test
    void lossAndGradientMatchAnIndependentComputation() {
        double[] labels = {2.0, 1.0, -1.0, 1, 0, 0, 0.3, -0.7, 2.5, 0, 0, 1};
        double[] student = {0.5, 1.5, -0.5, 1.0, 0.2, 0.1};
        double[][] settings = {{2.0, 1.0, 8.0, 1.0, 1.0}, {4.0, 0.5, 2.0, 0.0, 0.25}};
        double[][] expectedLoss = {{1.8983597747291245, 2.773612837812511},
                {0.059992352783994174, 0.15677187372604268}};
        double[][] expectedGrad = {{-1.233978532, 1.015203817, 0.218774715, 0.60783824, 0.92367196, -1.5315102},
                {-0.058859072, 0.036637378, 0.022221693, 0.027114232, 0.067094636, -0.094208869}};
        for (int c = 0; c < settings.length; c++) {
            double[] s = settings[c];
            double[] loss = new double[2];
            double[] grad = new double[6];
            DecoupledKd.rows(labels, student, 2, 3, s[0], s[1], s[2], s[3], s[4], loss, grad);
            for (int r = 0; r < 2; r++) {
                assertEquals(expectedLoss[c][r], loss[r], 1e-9, "loss, setting " + c + ", row " + r);
            }
            for (int j = 0; j < 6; j++) {
                assertEquals(expectedGrad[c][j], grad[j], 1e-6, "gradient, setting " + c + ", entry " + j);
            }
        }
    }

    @Test
    void theWarmUpRisesLinearlyToOne() {
        assertEquals(0.25, DecoupledKdLoss.warmFactor(1, 4));
        assertEquals(0.75, DecoupledKdLoss.warmFactor(3, 4));
        assertEquals(1.0, DecoupledKdLoss.warmFactor(4, 4));
        assertEquals(1.0, DecoupledKdLoss.warmFactor(9, 4));
        assertEquals(1.0, DecoupledKdLoss.warmFactor(1, 0));
        DecoupledKdLoss l = new DecoupledKdLoss(4, 1, 8, 1, 5);
        l.startEpoch(2);
        assertEquals(0.4, l.warm(), 1e-15);
    }

    @Test
    void gradientCheckMultiLayerNetwork() {
        for (DecoupledKdLoss loss : new DecoupledKdLoss[]{new DecoupledKdLoss(4, 1, 8, 1, 0),
                new DecoupledKdLoss(2, 0.5, 2, 0, 3), new DecoupledKdLoss(1, 2, 1, 0.5, 0)}) {
            loss.startEpoch(1);
            assertGradientCheck(loss);
        }
    }

    @Test
    void jsonRoundTrip() {
        assertJsonRoundTrip(new DecoupledKdLoss(3, 1, 6, 0.5, 7));
    }
}
