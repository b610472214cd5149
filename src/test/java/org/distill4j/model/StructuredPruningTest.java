package org.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.distill4j.config.Activation;
import org.distill4j.model.LeNet5Spec;
import org.distill4j.model.MlpSpec;
import org.distill4j.model.ResNetSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Removing filters whose output is identically zero (zero weights and bias, or a BatchNorm that maps them to
 * zero) must not change the network's output; the smaller network has exactly the hand-counted parameters.
 */
class StructuredPruningTest {
    static final Architectures.InputShape IN = new Architectures.InputShape(1, 28, 28);
    static final INDArray X = Nd4j.rand(DataType.FLOAT, 17, IN.flat());

    /** Zeroes producer channels {@code dead} (weights, bias, and BatchNorm shift and mean so its output is 0). */
    static void kill(Net net, StructuredPruning.Unit u, int... dead) {
        String p = u.producer().startsWith("layer") || !net.isGraph() ? prefixOf(net, u.producer()) : u.producer();
        Map<String, INDArray> t = net.model().paramTable();
        for (int c : dead) {
            WeightLayers.WeightLayer wl = WeightLayers.of(net).stream().filter(l -> l.key().equals(p + "_W"))
                    .findFirst().orElseThrow();
            float[] rows = wl.rows(net);
            int per = rows.length / wl.channels();
            java.util.Arrays.fill(rows, c * per, (c + 1) * per, 0f);
            wl.setRows(net, rows);
            if (t.containsKey(p + "_b")) {
                t.get(p + "_b").reshape(-1).putScalar(c, 0);
            }
            if (u.batchNorm() != null) {
                String b = net.isGraph() ? u.batchNorm() : prefixOf(net, u.batchNorm());
                t.get(b + "_beta").reshape(-1).putScalar(c, 0);
                t.get(b + "_mean").reshape(-1).putScalar(c, 0);
            }
        }
    }

    static String prefixOf(Net net, String layer) {
        if (net.isGraph()) {
            return layer;
        }
        var confs = ((MultiLayerNetwork) net.model()).getLayerWiseConfigurations().getConfs();
        for (int i = 0; i < confs.size(); i++) {
            if (layer.equals(confs.get(i).getLayer().getLayerName())) {
                return String.valueOf(i);
            }
        }
        throw new IllegalArgumentException(layer);
    }

    static void assertSameOutputs(Net a, Net b) {
        float[] x = a.output(X).dup().data().asFloat();
        float[] y = b.output(X).dup().data().asFloat();
        assertArrayEquals(x, y, 1e-5f);
    }

    @Test
    void mlpUnitsAndLosslessRemoval() {
        Net net = Architectures.build(new MlpSpec(List.of(20, 10), Activation.RELU, 0.0), "a", IN, 10, 1);
        List<StructuredPruning.Unit> units = StructuredPruning.units(net);
        assertEquals(List.of(new StructuredPruning.Unit("dense1", WeightLayers.Kind.DENSE, 20, null, "dense2", 1),
                new StructuredPruning.Unit("dense2", WeightLayers.Kind.DENSE, 10, null, "output", 1)), units);
        kill(net, units.get(0), 3, 7);
        int[] keep = StructuredPruning.keepByNorm(net, units.get(0), 0.1, false);
        assertEquals(18, keep.length);
        assertEquals(false, java.util.Arrays.stream(keep).anyMatch(i -> i == 3 || i == 7));
        Net small = StructuredPruning.prune(net, units, Map.of("dense1", keep));
        assertSameOutputs(net, small);
        // 2 units x (784 inputs + 1 bias + 10 outputs of dense2)
        assertEquals(net.numParams() - 2 * (784 + 1 + 10), small.numParams());
    }

    @Test
    void lenetConvFiltersFeedingTheFlattenedDenseLayer() {
        Net net = Architectures.build(new LeNet5Spec(Activation.RELU), "a", IN, 10, 2);
        List<StructuredPruning.Unit> units = StructuredPruning.units(net);
        assertEquals(List.of("conv1", "conv2", "dense1", "dense2"),
                units.stream().map(StructuredPruning.Unit::producer).toList());
        StructuredPruning.Unit conv2 = units.get(1);
        assertEquals("dense1", conv2.consumer());
        assertEquals(25, conv2.spatial());
        kill(net, conv2, 0, 5, 15);
        int[] keep = StructuredPruning.keepByNorm(net, conv2, 3 / 16.0, true);
        Net small = StructuredPruning.prune(net, units, Map.of("conv2", keep));
        assertSameOutputs(net, small);
        // 3 filters x (6 x 5 x 5 weights + 1 bias) + 3 x 25 input rows x 120 units of dense1
        assertEquals(net.numParams() - 3 * (150 + 1) - 3 * 25 * 120, small.numParams());
    }

    @Test
    void resnetPrunesOnlyChannelsNoAddTies() {
        Net net = Architectures.build(new ResNetSpec(8, 4), "a", IN, 10, 3);
        List<StructuredPruning.Unit> units = StructuredPruning.units(net);
        assertEquals(List.of(
                new StructuredPruning.Unit("g1b1_1_conv", WeightLayers.Kind.CONV, 4, "g1b1_1_bn", "g1b1_2_conv", 1),
                new StructuredPruning.Unit("g2b1_1_conv", WeightLayers.Kind.CONV, 8, "g2b1_1_bn", "g2b1_2_conv", 1),
                new StructuredPruning.Unit("g3b1_1_conv", WeightLayers.Kind.CONV, 16, "g3b1_1_bn", "g3b1_2_conv", 1)),
                units);
        kill(net, units.get(0), 1);
        kill(net, units.get(2), 2, 3, 9, 10);
        Map<String, int[]> keep = Map.of("g1b1_1_conv", StructuredPruning.keepByNorm(net, units.get(0), 0.25, false),
                "g3b1_1_conv", StructuredPruning.keepByNorm(net, units.get(2), 0.25, false));
        Net small = StructuredPruning.prune(net, units, keep);
        assertSameOutputs(net, small);
        // g1: 1 filter (3x3x4) + 4 BatchNorm values + 4x3x3 inputs of g1b1_2; g3: 4 x (3x3x8 + 4 + 16x3x3)
        assertEquals(net.numParams() - (36 + 4 + 36) - 4 * (72 + 4 + 144), small.numParams());
    }
}
