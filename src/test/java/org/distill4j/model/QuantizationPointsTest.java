package org.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.distill4j.config.Activation;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Where activations are quantized: after every non-identity activation; with linear outputs also after a layer
 * without an activation whose output goes on to anything but an activation or batch norm (a convolution into a
 * convolution, a ResNet block's last convolution and projection into the add); never after the output layer.
 */
class QuantizationPointsTest {
    private static Net net() {
        MultiLayerNetwork m = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("a").nOut(2).convolutionMode(ConvolutionMode.Same)
                        .activation(new ActivationIdentity()).build())
                .layer(new ConvolutionLayer.Builder(3, 3).name("b").nOut(2).convolutionMode(ConvolutionMode.Same)
                        .activation(new ActivationIdentity()).build())
                .layer(new ActivationLayer.Builder().name("b_relu").activation(new ActivationReLU()).build())
                .layer(new DenseLayer.Builder().name("c").nOut(4).activation(new ActivationReLU()).build())
                .layer(new DropoutLayer.Builder(0.5).name("drop").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).name("out").nOut(3)
                        .activation(new ActivationIdentity()).build())
                .setInputType(InputType.convolutionalFlat(4, 4, 1)).build());
        m.init();
        return new Net(m);
    }

    @Test
    void layerListsByHand() {
        // a feeds convolution b: quantized with linear outputs; b feeds its ReLU, which is quantized instead
        assertEquals(Set.of("a", "b_relu", "c"), QuantizationPoints.of(net(), true));
        assertEquals(Set.of("b_relu", "c"), QuantizationPoints.of(net(), false));
    }

    @Test
    void residualBlocksQuantizeTheInputsOfTheirAdds() {
        Net resnet = BatchNormFolding.fold(Architectures.build(new ResNetSpec(8, 4), "a",
                new Architectures.InputShape(1, 28, 28), 10, 3)).net();
        Set<String> points = QuantizationPoints.of(resnet, true);
        for (String add : List.of("g1b1", "g2b1", "g3b1")) {
            assertEquals(true, points.contains(add + "_2_conv"), points.toString()); // into the add
            assertEquals(false, points.contains(add + "_1_conv"), points.toString()); // into its ReLU
            assertEquals(true, points.contains(add + "_relu"), points.toString()); // the sum, after its ReLU
        }
        assertEquals(true, points.contains("g2b1_proj_conv") && points.contains("g3b1_proj_conv"));
        assertEquals(false, points.contains("fc"));
        assertEquals(false, QuantizationPoints.of(resnet, false).contains("g2b1_proj_conv"));
        Net mlp = Architectures.build(new MlpSpec(List.of(8), Activation.RELU, 0.0), "m",
                new Architectures.InputShape(1, 4, 4), 3, 1);
        assertEquals(1, QuantizationPoints.of(mlp, true).size(), "the hidden layer, not the output layer");
        assertEquals(false, QuantizationPoints.of(mlp, true).contains(mlp.outputName()));
    }
}
