package org.distill4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.distill4j.math.FeatureDistance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The feature losses: hint and attention transfer as DL4J losses (gradient check in double precision, JSON round
 * trip, scores equal to their math), the branch each makes for a pair of layer shapes, the teacher targets, and how a
 * stage's loss splits into logit and feature parts.
 */
class FeatureLossTest extends LossChecks {
    @Test
    void hintGradientCheckAndJson() {
        Nd4j.getRandom().setSeed(5);
        assertGradientCheck(new HintL2Loss(1.0), Nd4j.randn(DataType.DOUBLE, 8, 4));
        assertGradientCheck(new HintL2Loss(0.3), Nd4j.randn(DataType.DOUBLE, 8, 4));
        assertJsonRoundTrip(new HintL2Loss(0.25));
    }

    @Test
    void attentionTransferGradientCheckAndJson() {
        // the 4 outputs as a feature map of 2 channels by 2 positions; targets: unit attention maps
        Nd4j.getRandom().setSeed(6);
        double[] teacher = Nd4j.randn(DataType.DOUBLE, 8, 6).data().asDouble(); // 3 channels by 2 positions
        INDArray maps = Nd4j.createFromArray(FeatureDistance.attentionRows(teacher, 8, 3, 2)).reshape(8, 2);
        assertGradientCheck(new AttentionTransferLoss(500, 2), maps);
        assertGradientCheck(new AttentionTransferLoss(1, 1), Nd4j.rand(DataType.DOUBLE, 8, 4));
        assertJsonRoundTrip(new AttentionTransferLoss(500, 2));
    }

    @Test
    void scoresAreTheirMath() {
        // two rows of 2 channels x 2 positions; student row 0 = ch0 (1, 2), ch1 (3, 0): map (5, 2)/sqrt(29)
        INDArray student = Nd4j.createFromArray(new double[][] {{1, 2, 3, 0}, {0, 1, 0, 1}});
        INDArray target = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}});
        INDArray scores = new AttentionTransferLoss(4, 2).computeScoreArray(target, student, new ActivationIdentity(),
                null);
        assertEquals(4 * (1 - 5 / Math.sqrt(29)), scores.getDouble(0), 1e-12);
        assertEquals(0, scores.getDouble(1), 1e-12); // row 1's map is (0, 1): the target
        INDArray hint = new HintL2Loss(2).computeScoreArray(Nd4j.zeros(DataType.DOUBLE, 2, 4), student,
                new ActivationIdentity(), null);
        assertEquals(2 * (1 + 4 + 9) / 4.0, hint.getDouble(0), 1e-12);
        assertEquals(2 * 2 / 4.0, hint.getDouble(1), 1e-12);
    }

    @Test
    void branchesFollowTheLayerShapes() {
        HintLoss hint = new HintLoss("s", "t");
        FeatureLoss.Branch maps = hint.branch(new long[] {16, 14, 14}, new long[] {32, 14, 14}, 0.5);
        assertEquals(32, maps.regressorOut(), "a 1x1 convolution to the teacher's channels");
        assertEquals(new HintL2Loss(0.5), maps.loss());
        assertEquals(100, hint.branch(new long[] {300}, new long[] {100}, 1).regressorOut());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> hint.branch(new long[] {16, 28, 28}, new long[] {32, 14, 14}, 1));
        assertTrue(e.getMessage().contains("16x28x28") && e.getMessage().contains("32x14x14"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> hint.branch(new long[] {16, 7, 7}, new long[] {64}, 1));

        AttentionLoss at = new AttentionLoss("s", "t", 1000);
        FeatureLoss.Branch a = at.branch(new long[] {16, 14, 14}, new long[] {64, 14, 14}, 0.5);
        assertEquals(0, a.regressorOut(), "attention maps need no regressor");
        assertEquals(new AttentionTransferLoss(0.5 * 1000 / 2, 16), a.loss());
        assertThrows(IllegalArgumentException.class, () -> at.branch(new long[] {300}, new long[] {100}, 1));
    }

    @Test
    void teacherTargets() {
        INDArray act = Nd4j.createFromArray(new float[] {1, 2, 3, 0, 0, 1, 0, 1}).reshape(2, 2, 1, 2); // [n, c, h, w]
        INDArray maps = new AttentionLoss("s", "t", 1000).target(act);
        assertEquals(DataType.FLOAT, maps.dataType());
        assertEquals(5 / Math.sqrt(29), maps.getDouble(0, 0), 1e-6);
        assertEquals(2 / Math.sqrt(29), maps.getDouble(0, 1), 1e-6);
        assertEquals(1.0, maps.getDouble(1, 1), 1e-6);
        INDArray flat = new HintLoss("s", "t").target(act);
        assertEquals(List.of(2L, 4L), List.of(flat.size(0), flat.size(1)));
        assertEquals(3.0, flat.getDouble(0, 2), 0.0); // channel 1, position 0 of example 0
    }

    @Test
    void aStageLossSplitsIntoLogitAndFeatureParts() {
        HintLoss hint = new HintLoss("a", "b");
        AttentionLoss at = new AttentionLoss("c", "d", 1000);
        LossParts alone = LossParts.of(hint);
        assertEquals(new DistillationLoss(1.0, 0.0), alone.logits(), "cross-entropy on the labels");
        assertEquals(List.of(new LossParts.Feature(hint, 1.0, "loss")), alone.features());

        CombinedLoss mixed = new CombinedLoss(List.of(new CombinedLoss.Term(new KdLoss(4, 0.9), 1.0),
                new CombinedLoss.Term(hint, 0.5), new CombinedLoss.Term(at, 2.0)));
        assertTrue(mixed.featureBased());
        LossParts parts = LossParts.of(mixed);
        CombinedLogitLoss logits = assertInstanceOf(CombinedLogitLoss.class, parts.logits());
        assertEquals(new CombinedLogitLoss(List.of(new DistillationLoss(4, 0.9)), new double[] {1.0}), logits);
        assertEquals(List.of(new LossParts.Feature(hint, 0.5, "losses[1]"), new LossParts.Feature(at, 2.0,
                "losses[2]")), parts.features());

        LossParts plain = LossParts.of(new KdLoss(4, 0.9));
        assertEquals(new DistillationLoss(4, 0.9), plain.logits());
        assertTrue(plain.features().isEmpty());
    }
}
