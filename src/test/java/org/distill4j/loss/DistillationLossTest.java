package org.distill4j.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.distill4j.math.Distillation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link DistillationLoss} as a DL4J loss: agrees with the math, passes DL4J's numerical gradient check
 * (double precision) in a MultiLayerNetwork and in a ComputationGraph with BatchNorm and a residual add,
 * and survives JSON and model-zip round trips.
 */
class DistillationLossTest extends LossChecks {
    @Test
    void scoreAndGradientAgreeWithTheMath() {
        INDArray labels = kdLabels(5, 4, 1);
        INDArray s = Nd4j.randn(DataType.DOUBLE, 5, 4);
        DistillationLoss loss = new DistillationLoss(3.0, 0.6);
        INDArray t = labels.getColumns(0, 1, 2, 3);
        INDArray y = labels.getColumns(4, 5, 6, 7);
        double expected = Distillation.loss(t, y, s, 3.0, 0.6).sumNumber().doubleValue();
        assertEquals(expected / 5, loss.computeScore(labels, s, new ActivationIdentity(), null, true), 1e-10);
        assertEquals(expected, loss.computeScore(labels, s, new ActivationIdentity(), null, false), 1e-10);
        assertArrayEquals(Distillation.gradient(t, y, s, 3.0, 0.6).reshape(20).toDoubleVector(),
                loss.computeGradient(labels, s, new ActivationIdentity(), null).reshape(20).toDoubleVector(), 1e-12);
    }

    @Test
    void alphaZeroEqualsSoftmaxCrossEntropy() {
        INDArray labels = kdLabels(6, 3, 2);
        INDArray s = Nd4j.randn(DataType.DOUBLE, 6, 3);
        INDArray y = labels.getColumns(3, 4, 5);
        double kd = new DistillationLoss(5.0, 0.0).computeScore(labels, s, new ActivationIdentity(), null, true);
        double ce = new SoftmaxCrossEntropyLoss().computeScore(y, s, new ActivationIdentity(), null, true);
        assertEquals(ce, kd, 1e-12);
    }

    @Test
    void perExampleMaskZeroesRows() {
        INDArray labels = kdLabels(3, 3, 3);
        INDArray s = Nd4j.randn(DataType.DOUBLE, 3, 3);
        INDArray mask = Nd4j.create(new double[]{1, 0, 1}, new long[]{3, 1}, DataType.DOUBLE);
        DistillationLoss loss = new DistillationLoss(2.0, 0.5);
        INDArray scores = loss.computeScoreArray(labels, s, new ActivationIdentity(), mask);
        assertEquals(0.0, scores.getDouble(1), 0.0);
        INDArray grad = loss.computeGradient(labels, s, new ActivationIdentity(), mask);
        assertEquals(0.0, grad.getRow(1).sumNumber().doubleValue(), 0.0);
        assertTrue(scores.getDouble(0) > 0);
    }

    @Test
    void gradientCheckMultiLayerNetwork() {
        for (double[] ta : new double[][]{{1.0, 0.5}, {4.0, 0.9}, {2.0, 1.0}}) {
            assertGradientCheck(new DistillationLoss(ta[0], ta[1]));
        }
    }

    @Test
    void gradientCheckComputationGraphWithBatchNormAndResidualAdd() {
        ComputationGraphConfiguration conf = gradientCheckBase().graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(5, 5, 2))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().build(), "c1")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build(), "bn")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "c2", "bn")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "add")
                .addLayer("out", new OutputLayer.Builder(new DistillationLoss(3.0, 0.8)).nOut(4)
                        .activation(Activation.IDENTITY).build(), "gap")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        Nd4j.getRandom().setSeed(9);
        INDArray f = Nd4j.randn(DataType.DOUBLE, 4, 2, 5, 5);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[]{f})
                .labels(new INDArray[]{kdLabels(4, 4, 13)}).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-8)
                // BatchNorm's running mean and (log) std are statistics, not trained by gradient
                .excludeParams(java.util.Set.of("bn_mean", "bn_log10stdev")));
        assertTrue(ok, "gradient check failed for the graph");
    }

    @Test
    void softmaxCrossEntropyGradientCheck() {
        MultiLayerConfiguration conf = gradientCheckBase().list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(new SoftmaxCrossEntropyLoss()).nIn(5).nOut(3)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray f = Nd4j.randn(DataType.DOUBLE, 6, 4);
        INDArray y = kdLabels(6, 3, 5).getColumns(3, 4, 5);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(f).labels(y)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-8)));
    }

    @Test
    void jsonRoundTrip() {
        assertJsonRoundTrip(new DistillationLoss(6.5, 0.25));
        assertJsonRoundTrip(new SoftmaxCrossEntropyLoss());
    }

    @Test
    void modelZipRoundTrip(@TempDir Path dir) throws Exception {
        MultiLayerConfiguration conf = gradientCheckBase().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(new DistillationLoss(2.0, 0.7)).nIn(4).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        File f = dir.resolve("m.zip").toFile();
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, true);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 3, 3);
        assertEquals(net.output(x), back.output(x));
        assertEquals(new DistillationLoss(2.0, 0.7),
                ((OutputLayer) back.getLayerWiseConfigurations().getConf(1).getLayer()).getLossFn());
        INDArray labels = kdLabels(3, 2, 4);
        assertEquals(net.score(new DataSet(x, labels)), back.score(new DataSet(x, labels)), 1e-12);
    }
}
