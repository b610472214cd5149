package org.distill4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.distill4j.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * What every custom DL4J loss of distill4j is checked for, in double precision (the tests of a loss extend this):
 * DL4J's numerical gradient check in a small MultiLayerNetwork, and a JSON round trip of a configuration holding it
 * (saved models name their loss class).
 */
@ExtendWith(DoublePrecision.class)
abstract class LossChecks {

    static NeuralNetConfiguration.Builder gradientCheckBase() {
        return new NeuralNetConfiguration.Builder().seed(12345).dataType(DataType.DOUBLE).updater(new NoOp())
                .weightInit(WeightInit.XAVIER);
    }

    /** labels = [teacher logits | one-hot], n rows, k classes. */
    static INDArray kdLabels(int n, int k, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray t = Nd4j.randn(DataType.DOUBLE, n, k).muli(2.0);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, k);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, (i * 7 + 3) % k, 1.0);
        }
        return Nd4j.hstack(t, y);
    }

    /**
     * DL4J's gradient check of {@code loss} (on labels {@code [t | y]}) as the output of a 6-5-4 network (tanh) over
     * 8 examples: relative error at most 1e-5.
     */
    static void assertGradientCheck(ILossFunction loss) {
        assertGradientCheck(loss, kdLabels(8, 4, 11));
    }

    /** The same gradient check on other labels (8 rows) for the network's 4 outputs. */
    static void assertGradientCheck(ILossFunction loss, INDArray labels) {
        MultiLayerConfiguration conf = gradientCheckBase().list()
                .layer(new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(loss).nIn(5).nOut(4).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Nd4j.getRandom().setSeed(7);
        INDArray f = Nd4j.randn(DataType.DOUBLE, 8, 6);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(f)
                .labels(labels).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-8));
        assertTrue(ok, "gradient check failed for " + loss.name());
    }

    /** A configuration with {@code loss} as its output layer's reads back from JSON equal, naming the loss class. */
    static void assertJsonRoundTrip(ILossFunction loss) {
        MultiLayerConfiguration conf = gradientCheckBase().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(2).build())
                .layer(new OutputLayer.Builder(loss).nIn(2).nOut(2).activation(Activation.IDENTITY).build())
                .build();
        String json = conf.toJson();
        assertTrue(json.contains(loss.getClass().getName()), json);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(conf, back);
        assertEquals(loss, ((OutputLayer) back.getConf(1).getLayer()).getLossFn());
    }
}
