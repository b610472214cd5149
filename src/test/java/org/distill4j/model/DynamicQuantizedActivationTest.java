package org.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** ONNX DynamicQuantizeLinear then DequantizeLinear, by hand; the activation survives a model's save and load. */
class DynamicQuantizedActivationTest {
    @Test
    void quantizesOverTheTensorsRangeWithZeroIncludedAndTiesToEven() {
        // range [-0.5, 1.4921875]: scale (1.9921875 / 255) = 1/128, zero point round(0.5 · 128) = 64
        float[] a = {-0.5f, 0.01171875f, 0.01953125f, 1.4921875f, 0.3f};
        DynamicQuantizedActivation.quantize(a);
        // 1.5 and 2.5 steps round to the even 2; 0.3 · 128 = 38.4 rounds to 38
        assertArrayEquals(new float[] {-0.5f, 2 / 128f, 2 / 128f, 1.4921875f, 38 / 128f}, a);
        // the range always holds 0: [0, 1.9921875], scale 1/128, not [1, 1.9921875]; 128.5 steps round to 128
        float[] positive = {1f, 1.9921875f, 1.00390625f};
        DynamicQuantizedActivation.quantize(positive);
        assertArrayEquals(new float[] {1f, 1.9921875f, 1f}, positive);
        float[] zeros = {0f, 0f};
        DynamicQuantizedActivation.quantize(zeros); // no range: left as it is
        assertArrayEquals(new float[] {0f, 0f}, zeros);
    }

    @Test
    void savedAndLoadedWithTheModel() throws Exception {
        MultiLayerNetwork m = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(3)
                        .activation(new DynamicQuantizedActivation(new ActivationReLU())).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(2)
                        .activation(new ActivationIdentity()).build()).build());
        m.init();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ModelSerializer.writeModel(m, bytes, false);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new java.io.ByteArrayInputStream(
                bytes.toByteArray()));
        assertEquals(m.getLayerWiseConfigurations(), back.getLayerWiseConfigurations());
        var x = Nd4j.rand(5, 4);
        assertEquals(m.output(x), back.output(x));
    }
}
