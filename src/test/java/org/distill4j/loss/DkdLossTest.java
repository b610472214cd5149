package org.distill4j.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.distill4j.math.DecoupledKd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Decoupled KD: its loss and gradient equal an independent computation (the paper's formulation with full softmaxes
 * and a masked target, gradients by central differences, in Python), its warm-up factor, DL4J's double-precision
 * gradient check, and a JSON round trip.
 */
class DkdLossTest {
    private static DataType savedDefault;

    @BeforeAll
    static void doublePrecision() {
        savedDefault = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(savedDefault, savedDefault);
    }

    /**
     * Two rows: t = [2, 1, −1], s = [0.5, 1.5, −0.5], target 0; t = [0.3, −0.7, 2.5], s = [1, 0.2, 0.1], target 2.
     * Expected values from the paper's formulation (p = softmax(t/T) split into [p_g, 1 − p_g]; the non-target
     * parts as softmax(z/T − 1000·onehot)); gradients by central differences (h = 1e-6).
     */
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
            MultiLayerConfiguration conf = DistillationLossTest.gradientCheckBase().list()
                    .layer(new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.TANH).build())
                    .layer(new OutputLayer.Builder(loss).nIn(5).nOut(4).activation(Activation.IDENTITY).build())
                    .build();
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            Nd4j.getRandom().setSeed(7);
            INDArray f = Nd4j.randn(DataType.DOUBLE, 8, 6);
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(f)
                    .labels(DistillationLossTest.kdLabels(8, 4, 11)).epsilon(1e-6).maxRelError(1e-5)
                    .minAbsoluteError(1e-8));
            assertTrue(ok, "gradient check failed for " + loss.name());
        }
    }

    @Test
    void jsonRoundTrip() {
        MultiLayerConfiguration conf = DistillationLossTest.gradientCheckBase().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(2).build())
                .layer(new OutputLayer.Builder(new DecoupledKdLoss(3, 1, 6, 0.5, 7)).nIn(2).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build();
        String json = conf.toJson();
        assertTrue(json.contains("org.distill4j.loss.DecoupledKdLoss"), json);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(conf, back);
        assertEquals(new DecoupledKdLoss(3, 1, 6, 0.5, 7), ((OutputLayer) back.getConf(1).getLayer()).getLossFn());
    }
}
