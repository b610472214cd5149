package org.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.distill4j.config.Activation;
import org.distill4j.model.MlpSpec;
import org.distill4j.model.ResNetSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Folding BatchNorm into the convolution before it leaves inference outputs unchanged and removes
 * every BatchNorm of a ResNet.
 */
class BatchNormFoldingTest {
    static final Architectures.InputShape IN = new Architectures.InputShape(1, 28, 28);

    @Test
    void foldedResNetComputesTheSameLogits() {
        Net net = Architectures.build(new ResNetSpec(8, 4), "a", IN, 10, 5);
        // non-trivial running statistics and affine parameters
        Random r = new Random(2);
        for (Map.Entry<String, INDArray> e : net.model().paramTable().entrySet()) {
            String k = e.getKey();
            if (k.endsWith("_gamma") || k.endsWith("_beta") || k.endsWith("_mean") || k.endsWith("_var")
                    || k.endsWith("_log10stdev")) {
                INDArray a = e.getValue();
                for (int i = 0; i < a.length(); i++) {
                    double v = k.endsWith("_var") ? 0.2 + r.nextDouble()
                            : k.endsWith("_log10stdev") ? -0.5 + r.nextDouble() * 0.6
                            : k.endsWith("_gamma") ? 0.5 + r.nextDouble() : r.nextGaussian() * 0.3;
                    a.putScalar(i, v);
                }
            }
        }
        BatchNormFolding.Result f = BatchNormFolding.fold(net);
        assertEquals(9, f.folded().size(), "stem, two convs in each of 3 blocks, 2 projection shortcuts: "
                + f.folded());
        assertTrue(f.net().model().paramTable().keySet().stream().noneMatch(k -> k.contains("_bn_")),
                "no BatchNorm left");
        INDArray x = Nd4j.rand(DataType.FLOAT, 9, IN.flat());
        float[] a = net.output(x).dup().data().asFloat();
        float[] b = f.net().output(x).dup().data().asFloat();
        assertArrayEquals(a, b, 1e-4f);
    }

    @Test
    void layerListsAreLeftAlone() {
        Net net = Architectures.build(new MlpSpec(List.of(8), Activation.RELU, 0.0), "a", IN, 10, 1);
        assertEquals(List.of(), BatchNormFolding.fold(net).folded());
    }
}
