package org.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.distill4j.config.Activation;
import org.distill4j.config.LayerSpec;
import org.distill4j.model.LayersSpec;
import org.distill4j.model.LeNet5Spec;
import org.distill4j.model.MlpSpec;
import org.distill4j.model.ResNetSpec;
import org.distill4j.loss.DistillationLoss;
import org.distill4j.loss.SoftmaxCrossEntropyLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/** Architectures against hand-counted parameters and shapes; weight hand-over between stages; oneDNN helpers. */
class ArchitecturesTest {
    static final Architectures.InputShape MNIST = new Architectures.InputShape(1, 28, 28);

    @Test
    void mlpParamsByHand() {
        Net n = Architectures.build(new MlpSpec(List.of(128), Activation.RELU, 0.0), "student.arch", MNIST, 10, 1);
        assertEquals(784 * 128 + 128 + 128 * 10 + 10, n.numParams());
        ModelSummary s = ModelSummary.of(n, MNIST);
        assertEquals(2 * (784L * 128 + 128L * 10) + 128 + 10, s.flops());
    }

    @Test
    void resnetParamsByHand() {
        // conv weights (no bias) + 4 per BatchNorm channel (gamma, beta, running mean, running var) + fc
        long resnet8 = (9 * 16) + 64                        // stem conv 1->16, BN
                + 2 * (9 * 16 * 16 + 64)                     // group 1: two 16->16 convs
                + (9 * 16 * 32 + 128) + (9 * 32 * 32 + 128) + (16 * 32 + 128)   // group 2 with 1x1 projection
                + (9 * 32 * 64 + 256) + (9 * 64 * 64 + 256) + (32 * 64 + 256)  // group 3 with 1x1 projection
                + 64 * 10 + 10;
        assertEquals(78426, resnet8);
        Net r8 = Architectures.build(new ResNetSpec(8, 16), "student.arch", MNIST, 10, 1);
        assertEquals(resnet8, r8.numParams());
        Net r20 = Architectures.build(new ResNetSpec(20, 16), "teacher.arch", MNIST, 10, 1);
        assertEquals(273754, r20.numParams());
        ModelSummary s = ModelSummary.of(r8, MNIST);
        assertTrue(s.rows().stream().anyMatch(r -> r.name().equals("g3b1_2_conv") && r.output().equals("64x7x7")),
                s.table("r8"));
        INDArray out = r8.output(Nd4j.rand(3, 784));
        assertEquals(List.of(3L, 10L), List.of(out.size(0), out.size(1)));
    }

    @Test
    void lenet5AndLayerListShapes() {
        Net l5 = Architectures.build(new LeNet5Spec(Activation.RELU), "teacher.arch", MNIST, 10, 1);
        // conv 5x5x1x6 + 6, conv 5x5x6x16 + 16, 16*5*5 -> 120, 120 -> 84, 84 -> 10
        assertEquals(156 + 2416 + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10), l5.numParams());
        Net custom = Architectures.build(new LayersSpec(List.of(
                new LayerSpec(LayerSpec.Type.CONV, null, 8, 3, 1, null, null, null, null),
                new LayerSpec(LayerSpec.Type.BATCHNORM, null, null, null, null, null, null, null, null),
                new LayerSpec(LayerSpec.Type.POOL, null, null, null, null, null, null, null, null),
                new LayerSpec(LayerSpec.Type.GLOBAL_POOL, null, null, null, null, null, null, null, null),
                new LayerSpec(LayerSpec.Type.DROPOUT, null, null, null, null, null, null, null, 0.5),
                new LayerSpec(LayerSpec.Type.DENSE, 16, null, null, null, null, null, null, null))), "student.arch",
                MNIST, 10, 1);
        assertEquals((9 * 8 + 8) + 4 * 8 + (8 * 16 + 16) + (16 * 10 + 10), custom.numParams());
    }

    @Test
    void forTrainingKeepsWeightsAndSwapsLoss() {
        Net n = Architectures.build(new ResNetSpec(8, 4), "student.arch", MNIST, 10, 3);
        INDArray x = Nd4j.rand(4, 784);
        INDArray before = n.output(x);
        Net t = n.forTraining(new DistillationLoss(4, 0.9), new Sgd(0.1), List.of());
        assertEquals(before, t.output(x));
        assertEquals(new DistillationLoss(4, 0.9), t.loss());
        assertEquals(new SoftmaxCrossEntropyLoss(), n.loss(), "the original is untouched");
    }

    @Test
    void saveAndLoadGiveTheSameOutputs(@TempDir Path dir) throws Exception {
        for (Net n : List.of(Architectures.build(new MlpSpec(List.of(32), Activation.TANH, 0.2), "a", MNIST, 10, 5),
                Architectures.build(new ResNetSpec(8, 4), "b", MNIST, 10, 5))) {
            Path f = dir.resolve(n.isGraph() + ".zip");
            n.save(f);
            Net back = Net.load(f);
            INDArray x = Nd4j.rand(3, 784);
            assertEquals(n.output(x), back.output(x));
            assertEquals(n.isGraph(), back.isGraph());
        }
    }

    @Test
    void oneDnnHelpersAreOn() {
        assertTrue(OneDnn.enabled(), "DL4J's oneDNN check should pass with the Nd4jCpu shim");
        Net r = Architectures.build(new ResNetSpec(8, 4), "a", MNIST, 10, 1);
        assertEquals("MKLDNNConvHelper", OneDnn.helperOf(r));
    }
}
