package org.distill4j.stage.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.distill4j.config.Activation;
import org.distill4j.model.MlpSpec;
import org.distill4j.loss.SoftmaxCrossEntropyLoss;
import org.distill4j.math.Quantizer;
import org.distill4j.model.Architectures;
import org.distill4j.model.Net;
import org.distill4j.model.WeightLayers;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The straight-through estimator on weights: one SGD step moves each float shadow weight by −lr times the loss
 * gradient taken at the <em>quantized</em> weights (checked against central finite differences of the loss,
 * independent of DL4J's backprop), and the network then holds the per-channel quantization of the new shadow.
 */
class ShadowWeightsTest {
    @Test
    void oneStepMovesShadowWeightsByTheGradientAtTheQuantizedWeights() {
        Architectures.InputShape in = new Architectures.InputShape(1, 4, 4);
        Net built = Architectures.build(new MlpSpec(List.of(6), Activation.TANH, 0.0), "a", in, 3, 9);
        double lr = 0.05;
        Net net = built.forTraining(new SoftmaxCrossEntropyLoss(), new Sgd(lr), List.of());
        List<WeightLayers.WeightLayer> layers = WeightLayers.of(net);
        QuantizeStage.Hook hook = new QuantizeStage.Hook(layers, null, l -> 2, false);
        float[] shadow0 = layers.get(0).rows(net);
        hook.start(net);
        float[] q0 = layers.get(0).rows(net);
        assertArrayEquals(Quantizer.quantizeSymmetric(shadow0, layers.get(0).channels(), 2).values(), q0, 0f,
                "the network holds Q(shadow)");

        INDArray x = Nd4j.rand(DataType.FLOAT, 5, in.flat()).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 5, 3);
        for (int i = 0; i < 5; i++) {
            y.putScalar(i, i % 3, 1);
        }
        DataSet batch = new DataSet(x, y);
        // finite-difference gradient of the mean loss at the quantized weights and at the float
        // shadow, for a few weights
        int[] probe = {0, 5, 11, 17, 23};
        double[] gq = fdGradient(net, layers.get(0), q0, batch, probe);
        double[] gs = fdGradient(net, layers.get(0), shadow0, batch, probe);
        layers.get(0).setRows(net, q0);

        hook.beforeStep(net, 0);
        net.fit(batch);
        hook.afterStep(net, 0);
        float[] shadow1 = hook.shadow.get(layers.get(0).key());
        double apart = 0;
        for (int k = 0; k < probe.length; k++) {
            int i = probe[k];
            assertEquals(-lr * gq[k], shadow1[i] - shadow0[i], 2e-4, "weight " + i);
            apart = Math.max(apart, Math.abs(gq[k] - gs[k]));
        }
        assertTrue(apart > 1e-2,
                "2-bit quantization changes the gradient enough for the check to tell the two apart: " + apart);
        assertArrayEquals(Quantizer.quantizeSymmetric(shadow1, layers.get(0).channels(), 2).values(),
                layers.get(0).rows(net), 0f);
    }

    @Test
    void sharedWeightsMoveEachCentroidByItsClustersMeanGradientAndSurviveACheckpoint(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Architectures.InputShape in = new Architectures.InputShape(1, 4, 4);
        Net built = Architectures.build(new MlpSpec(List.of(6), Activation.TANH, 0.0), "a", in, 3, 9);
        double lr = 0.05;
        Net net = built.forTraining(new SoftmaxCrossEntropyLoss(), new Sgd(lr), List.of());
        List<WeightLayers.WeightLayer> layers = WeightLayers.of(net);
        WeightLayers.WeightLayer first = layers.get(0);
        float[] before = first.rows(net);
        QuantizeStage.Hook hook = new QuantizeStage.Hook(layers, null, l -> 2, true);
        hook.start(net);
        Quantizer.Channels q0 = hook.channels.get(first.key());
        assertArrayEquals(org.distill4j.math.WeightSharing.cluster(before, 2).codebook(), q0.codebook(), 0f);
        assertArrayEquals(q0.values(), first.rows(net), 0f, "the network holds the shared values");

        INDArray x = Nd4j.rand(DataType.FLOAT, 5, in.flat()).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 5, 3);
        for (int i = 0; i < 5; i++) {
            y.putScalar(i, i % 3, 1);
        }
        DataSet batch = new DataSet(x, y);
        int[] all = new int[q0.codes().length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        double[] g = fdGradient(net, first, q0.values(), batch, all);
        first.setRows(net, q0.values());
        hook.beforeStep(net, 0);
        net.fit(batch);
        hook.afterStep(net, 0);
        float[] c1 = hook.channels.get(first.key()).codebook();
        for (int k = 1; k < c1.length; k++) {
            double sum = 0;
            int n = 0;
            for (int i = 0; i < all.length; i++) {
                if (q0.codes()[i] == k) {
                    sum += g[i];
                    n++;
                }
            }
            double expected = n == 0 ? q0.codebook()[k] : q0.codebook()[k] - lr * sum / n;
            assertEquals(expected, c1[k], 2e-4, "centroid " + k);
        }
        assertArrayEquals(q0.codes(), hook.channels.get(first.key()).codes(), "each weight keeps its cluster");

        java.nio.file.Files.createDirectories(dir);
        hook.save(net, dir);
        QuantizeStage.Hook again = new QuantizeStage.Hook(layers, null, l -> 2, true);
        again.start(net);
        again.restore(net, dir);
        assertArrayEquals(c1, again.channels.get(first.key()).codebook(), 0f);
        assertArrayEquals(hook.channels.get(first.key()).values(), first.rows(net), 0f);
    }

    static double[] fdGradient(Net net, WeightLayers.WeightLayer l, float[] at, DataSet batch, int[] probe) {
        double h = 1e-2;
        double[] g = new double[probe.length];
        MultiLayerNetwork m = (MultiLayerNetwork) net.model();
        for (int k = 0; k < probe.length; k++) {
            float[] w = at.clone();
            w[probe[k]] += (float) h;
            l.setRows(net, w);
            double up = m.score(batch, false);
            w[probe[k]] -= (float) (2 * h);
            l.setRows(net, w);
            double down = m.score(batch, false);
            g[k] = (up - down) / (2 * h);
        }
        return g;
    }
}
