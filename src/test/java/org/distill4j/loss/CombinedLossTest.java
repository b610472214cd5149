package org.distill4j.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.distill4j.math.DecoupledKd;
import org.distill4j.math.Dist;
import org.distill4j.math.Distillation;
import org.junit.jupiter.api.Test;

/**
 * A weighted sum of losses: its rows equal the weighted sum of each term's own math (computed here without the
 * sum), a warm-up term hears the epoch, DL4J's double-precision gradient check, and a JSON round trip of the terms.
 */
class CombinedLossTest extends LossChecks {
    static final double[] LABELS = {2.0, 1.0, -1.0, 1, 0, 0, 0.3, -0.7, 2.5, 0, 0, 1, 1.0, 1.5, 0.2, 0, 1, 0};
    static final double[] STUDENT = {0.5, 1.5, -0.5, 1.0, 0.2, 0.1, -0.3, 0.8, 0.4};

    @Test
    void rowsAreTheWeightedSumOfTheTerms() {
        // 0.7·kd(T 4, alpha 0.9) + 0.5·dist(T 1, 1, 1, ce 0) + 2·dkd(T 2, 1, 8, ce 1, warm-up 2 at epoch 1: w = 0.5)
        CombinedLogitLoss sum = new CombinedLogitLoss(List.of(new DistillationLoss(4, 0.9),
                new DistRelationLoss(1, 1, 1, 0), new DecoupledKdLoss(2, 1, 8, 1, 2)), new double[]{0.7, 0.5, 2.0});
        sum.startEpoch(1);
        double[] loss = new double[3];
        double[] grad = new double[9];
        sum.rows(LABELS, STUDENT, 3, 3, loss, grad);

        double[][] l = new double[3][3];
        double[][] g = new double[3][9];
        Distillation.rows(LABELS, 0, LABELS, 3, 6, STUDENT, 3, 3, 4, 0.9, l[0], g[0]);
        Dist.rows(LABELS, STUDENT, 3, 3, 1, 1, 1, 0, l[1], g[1]);
        DecoupledKd.rows(LABELS, STUDENT, 3, 3, 2, 1, 8, 1, 0.5, l[2], g[2]);
        double[] w = {0.7, 0.5, 2.0};
        for (int i = 0; i < 3; i++) {
            assertEquals(w[0] * l[0][i] + w[1] * l[1][i] + w[2] * l[2][i], loss[i], 1e-12, "row " + i);
        }
        for (int j = 0; j < 9; j++) {
            assertEquals(w[0] * g[0][j] + w[1] * g[1][j] + w[2] * g[2][j], grad[j], 1e-12, "gradient " + j);
        }
        // from epoch 2 the dkd term weighs in full
        sum.startEpoch(2);
        double[] later = new double[3];
        sum.rows(LABELS, STUDENT, 3, 3, later, new double[9]);
        double[] full = new double[3];
        DecoupledKd.rows(LABELS, STUDENT, 3, 3, 2, 1, 8, 1, 1.0, full, new double[9]);
        assertEquals(w[0] * l[0][0] + w[1] * l[1][0] + w[2] * full[0], later[0], 1e-12);
    }

    @Test
    void gradientCheckMultiLayerNetwork() {
        assertGradientCheck(new CombinedLogitLoss(List.of(new DistillationLoss(2, 0.5), new DistRelationLoss(1, 1, 2,
                0.5)), new double[]{1.0, 0.25}));
    }

    @Test
    void jsonRoundTrip() {
        assertJsonRoundTrip(new CombinedLogitLoss(List.of(new DecoupledKdLoss(4, 1, 8, 1, 3),
                new DistRelationLoss(2, 1.5, 0.5, 1)), new double[]{1.0, 0.5}));
        assertArrayEquals(new double[]{1.0, 0.5}, new CombinedLogitLoss(List.of(new DistillationLoss(4, 0.9),
                new DistillationLoss(1, 0.5)), new double[]{1.0, 0.5}).getWeights());
    }
}
