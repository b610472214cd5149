package org.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.distill4j.config.Activation;
import org.distill4j.model.LeNet5Spec;
import org.distill4j.model.MlpSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Truncated-SVD factorization: exact at full rank, hand-computed singular values and energy ranks, parameter counts.
 */
class LowRankTest {
    static final Architectures.InputShape IN = new Architectures.InputShape(1, 28, 28);
    static final INDArray X = Nd4j.rand(DataType.FLOAT, 11, IN.flat());

    @Test
    void singularValuesAndEnergyRankByHand() {
        // W = P diag(4, 3, 2, 1) Q with permutation matrices: singular values 4, 3, 2, 1
        INDArray w = Nd4j.zeros(DataType.FLOAT, 5, 4);
        w.putScalar(new long[] {2, 0}, 3);
        w.putScalar(new long[] {0, 3}, -4);
        w.putScalar(new long[] {4, 1}, 1);
        w.putScalar(new long[] {1, 2}, 2);
        LowRank.Svd s = LowRank.svd(w);
        assertArrayEquals(new double[] {4, 3, 2, 1}, s.singular(), 1e-9);
        // energy: 16, 25, 29, 30 of 30
        assertEquals(1, s.rankFor(0.5));
        assertEquals(2, s.rankFor(0.8));
        assertEquals(3, s.rankFor(29 / 30.0));
        assertEquals(4, s.rankFor(0.99));
    }

    @Test
    void fullRankFactorizationComputesTheSameFunction() {
        Net net = Architectures.build(new MlpSpec(List.of(12, 7), Activation.RELU, 0.0), "a", IN, 10, 1);
        Net f = LowRank.factorize(net, Map.of("dense1", 12, "dense2", 7));
        assertArrayEquals(net.output(X).dup().data().asFloat(), f.output(X).dup().data().asFloat(), 1e-4f);
        assertEquals(List.of("dense1_u", "dense1_v", "dense2_u", "dense2_v", "output"),
                WeightLayers.of(f).stream().map(WeightLayers.WeightLayer::layer).toList());
    }

    @Test
    void truncationShrinksTheLayerAndRankIsChecked() {
        Net net = Architectures.build(new LeNet5Spec(Activation.RELU), "a", IN, 10, 2);
        assertEquals(List.of("dense1", "dense2"), List.copyOf(LowRank.denseLayers(net).keySet()));
        Net f = LowRank.factorize(net, Map.of("dense1", 10));
        // dense1: 400 x 120 weights become 400 x 10 + 10 x 120
        assertEquals(net.numParams() - 400 * 120 + 400 * 10 + 10 * 120, f.numParams());
        assertTrue(f.output(X).sumNumber().doubleValue() != 0);
        assertThrows(IllegalArgumentException.class, () -> LowRank.factorize(net, Map.of("dense1", 121)));
    }
}
