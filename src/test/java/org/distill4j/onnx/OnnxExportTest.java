package org.distill4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.distill4j.config.Activation;
import org.distill4j.config.InputException;
import org.distill4j.config.LayerSpec;
import org.distill4j.math.Quantizer;
import org.distill4j.model.Architectures;
import org.distill4j.model.BatchNormFolding;
import org.distill4j.model.CompactModelTest;
import org.distill4j.model.LayersSpec;
import org.distill4j.model.LeNet5Spec;
import org.distill4j.model.MlpSpec;
import org.distill4j.model.Net;
import org.distill4j.model.QuantizationPoints;
import org.distill4j.model.QuantizedActivation;
import org.distill4j.model.ResNetSpec;
import org.distill4j.model.WeightLayers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Networks exported to ONNX and run by ONNX Runtime give distill4j's logits: float networks to 1e-4 of the logit
 * scale (MLPs with each activation, LeNet-5, a ResNet whose batch norms are folded, a layer list with batch norm,
 * pooling of both kinds and dropout), pruned weights as exact zeros; quantized networks as QDQ with int8 weight
 * codes and the same top-1 predictions; layers ONNX has no form for are one-line errors.
 */
class OnnxExportTest {
    private static final Architectures.InputShape IN = CompactModelTest.IN;
    private static final float[] X;

    static {
        Random r = new Random(11);
        X = new float[64 * IN.flat()];
        for (int i = 0; i < X.length; i++) {
            X[i] = r.nextFloat();
        }
    }

    @TempDir
    Path dir;

    private Path write(Net net, Map<String, Quantizer.Channels> q, String name) throws Exception {
        return write(net, q, name, null);
    }

    private Path write(Net net, Map<String, Quantizer.Channels> q, String name, Float inputStep) throws Exception {
        OnnxMl.ModelProto m = OnnxExport.export(net, IN, q,
                Map.of("distill4j.test", name), inputStep);
        Path file = dir.resolve(name + ".onnx");
        Files.write(file, m.toByteArray());
        return file;
    }

    /** ONNX Runtime's logits and distill4j's for the 64 rows of {@link #X}. */
    private static float[][][] both(Net net, Path file) {
        INDArray x = Nd4j.create(X, new long[] {64, IN.flat()});
        float[][] dl4j = net.output(x).toFloatMatrix();
        try (OnnxSession s = OnnxSession.open(file, 1, null)) {
            assertEquals(IN.flat(), s.features());
            return new float[][][] {dl4j, s.run(X, 64)};
        }
    }

    /** max |a − b| over max |a|. */
    private static double relativeDifference(float[][] a, float[][] b) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                diff = Math.max(diff, Math.abs(a[i][j] - b[i][j]));
                scale = Math.max(scale, Math.abs(a[i][j]));
            }
        }
        return diff / scale;
    }

    private static double agreement(float[][] a, float[][] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += argmax(a[i]) == argmax(b[i]) ? 1 : 0;
        }
        return (double) same / a.length;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }

    /** Gives every batch norm of {@code net} random statistics and affine parameters, so folding is tested. */
    private static void randomizeBatchNorms(Net net, Random r) {
        for (Map.Entry<String, INDArray> e : net.model().paramTable().entrySet()) {
            String k = e.getKey();
            INDArray p = e.getValue();
            if (k.endsWith("_mean") || k.endsWith("_beta")) {
                p.assign(Nd4j.rand(DataType.FLOAT, p.shape()).subi(0.5));
            } else if (k.endsWith("_gamma")) {
                p.assign(Nd4j.rand(DataType.FLOAT, p.shape()).addi(0.5));
            } else if (k.endsWith("_log10stdev")) {
                p.assign(Nd4j.rand(DataType.FLOAT, p.shape()).subi(0.5).muli(0.6));
            } else if (k.endsWith("_var")) {
                p.assign(Nd4j.rand(DataType.FLOAT, p.shape()).addi(0.2));
            }
        }
    }

    private static LayerSpec spec(LayerSpec.Type t, Integer units, Integer filters, Integer kernel, Integer stride,
                                  LayerSpec.Padding pad, Activation act, LayerSpec.PoolKind pool) {
        return new LayerSpec(t, units, filters, kernel, stride, pad, act, pool, t == LayerSpec.Type.DROPOUT ? 0.5
                : null);
    }

    @Test
    void floatNetworksGiveDl4jsLogitsInOnnxRuntime() throws Exception {
        Random r = new Random(3);
        Map<String, Net> nets = new LinkedHashMap<>();
        for (Activation a : Activation.values()) {
            nets.put("mlp-" + a.yaml(), Architectures.build(new MlpSpec(List.of(40, 20), a, 0.2), "a", IN, 10, 1));
        }
        nets.put("lenet5", Architectures.build(new LeNet5Spec(Activation.RELU), "a", IN, 10, 2));
        nets.put("resnet8", Architectures.build(new ResNetSpec(8, 4), "a", IN, 10, 3));
        nets.put("layers", Architectures.build(new LayersSpec(List.of(
                spec(LayerSpec.Type.CONV, null, 6, 3, 2, LayerSpec.Padding.SAME, Activation.RELU, null),
                spec(LayerSpec.Type.BATCHNORM, null, null, null, null, null, null, null),
                spec(LayerSpec.Type.CONV, null, 5, 3, 1, LayerSpec.Padding.VALID, Activation.TANH, null),
                spec(LayerSpec.Type.POOL, null, null, null, null, null, null, LayerSpec.PoolKind.AVG),
                spec(LayerSpec.Type.CONV, null, 4, 2, 1, LayerSpec.Padding.SAME, Activation.IDENTITY, null),
                spec(LayerSpec.Type.BATCHNORM, null, null, null, null, null, null, null),
                spec(LayerSpec.Type.POOL, null, null, null, null, null, null, LayerSpec.PoolKind.MAX),
                spec(LayerSpec.Type.GLOBAL_POOL, null, null, null, null, null, null, LayerSpec.PoolKind.MAX),
                spec(LayerSpec.Type.DENSE, 12, null, null, null, null, Activation.SWISH, null),
                spec(LayerSpec.Type.BATCHNORM, null, null, null, null, null, null, null),
                spec(LayerSpec.Type.DROPOUT, null, null, null, null, null, null, null))), "a", IN, 10, 4));
        for (Map.Entry<String, Net> e : nets.entrySet()) {
            Net net = e.getValue();
            randomizeBatchNorms(net, r);
            Path file = write(net, Map.of(), e.getKey());
            float[][][] out = both(net, file);
            double rel = relativeDifference(out[0], out[1]);
            assertTrue(rel <= 1e-4, e.getKey() + ": max |logit difference| / logit scale = " + rel);
        }
        OnnxMl.ModelProto resnet = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(dir.resolve("resnet8.onnx")));
        assertTrue(resnet.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("Mul")),
                "every batch norm of the ResNet follows a convolution and is folded into it");
        assertEquals(OnnxExport.OPSET, resnet.getOpsetImport(0).getVersion());
        assertEquals("batch", resnet.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0)
                .getDimParam());
        try (OnnxSession s = OnnxSession.open(dir.resolve("resnet8.onnx"), 1, null)) {
            assertEquals("resnet8", s.metadata().get("distill4j.test"));
            assertEquals(10, s.classes());
            assertEquals(1, s.run(java.util.Arrays.copyOf(X, IN.flat()), 1).length, "batch 1 runs too");
        }
    }

    @Test
    void prunedWeightsStayExactZeros() throws Exception {
        Net net = Architectures.build(new LeNet5Spec(Activation.RELU), "a", IN, 10, 5);
        Random r = new Random(5);
        Map<String, Integer> zeros = new HashMap<>();
        for (WeightLayers.WeightLayer l : WeightLayers.of(net)) {
            float[] rows = l.rows(net);
            int z = 0;
            for (int i = 0; i < rows.length; i++) {
                if (r.nextDouble() < 0.9) {
                    rows[i] = 0f;
                    z++;
                }
            }
            l.setRows(net, rows);
            zeros.put(l.key(), z);
        }
        Path file = write(net, Map.of(), "pruned");
        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
        for (Map.Entry<String, Integer> e : zeros.entrySet()) {
            OnnxMl.TensorProto t = m.getGraph().getInitializerList().stream()
                    .filter(i -> i.getName().equals(e.getKey())).findFirst().orElseThrow();
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            int z = 0;
            while (b.hasRemaining()) {
                z += Float.floatToRawIntBits(b.getFloat()) == 0 ? 1 : 0;
            }
            assertEquals(e.getValue(), z, e.getKey());
        }
        float[][][] out = both(net, file);
        assertTrue(relativeDifference(out[0], out[1]) <= 1e-4);
    }

    /** 64 rows of 8-bit pixels: multiples of 1/255 in [0, 1]. */
    private static final float[] PIXELS;

    static {
        Random r = new Random(12);
        PIXELS = new float[64 * IN.flat()];
        for (int i = 0; i < PIXELS.length; i++) {
            PIXELS[i] = r.nextInt(256) / 255f;
        }
    }

    /** An MLP with fake-quantized hidden activations, fitted a step on {@code x}, its weights quantized at bits. */
    private static Net quantizedMlp(int bits, boolean activations, Map<String, Quantizer.Channels> q, float[] x) {
        Net net = Architectures.build(new MlpSpec(List.of(60, 30), Activation.RELU, 0.0), "a", IN, 10, 6);
        if (activations) {
            net = net.mapActivations((name, a) -> name.equals("output") ? a : new QuantizedActivation(a, 8, 0.9,
                    100));
        }
        net.fit(new DataSet(Nd4j.create(x, new long[] {64, IN.flat()}),
                Nd4j.eye(10).getRows(new Random(1).ints(64, 0, 10).toArray())));
        for (WeightLayers.WeightLayer l : WeightLayers.of(net)) {
            Quantizer.Channels c = Quantizer.quantizeSymmetric(l.rows(net), l.channels(), bits);
            l.setRows(net, c.values());
            q.put(l.key(), c);
        }
        return net;
    }

    private static List<String> ops(Path file) throws Exception {
        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
        List<String> ops = new ArrayList<>();
        m.getGraph().getNodeList().forEach(n -> ops.add(n.getOpType()));
        return ops;
    }

    private static OnnxMl.TensorProto initializer(Path file, String name) throws Exception {
        return OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file)).getGraph().getInitializerList().stream()
                .filter(i -> i.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void quantizedNetworksExportAsQdqWithTheirCodes() throws Exception {
        Map<String, Quantizer.Channels> q = new LinkedHashMap<>();
        Net net = quantizedMlp(8, true, q, X);
        Path file = write(net, q, "qdq");
        List<String> ops = ops(file);
        assertEquals(4, ops.stream().filter("DequantizeLinear"::equals).count(),
                "a DequantizeLinear per weight matrix after a quantized activation (2) and per quantized activation "
                        + "(2); the first layer reads float input, so its weights are float");
        assertEquals(2, ops.stream().filter("QuantizeLinear"::equals).count());
        assertEquals(OnnxMl.TensorProto.DataType.FLOAT.getNumber(), initializer(file, "0_W").getDataType());
        // 8-bit codes reach ±127: stored as uint8 + 128 with zero point 128
        OnnxMl.TensorProto codes = initializer(file, "1_W_quantized");
        assertEquals(OnnxMl.TensorProto.DataType.UINT8.getNumber(), codes.getDataType());
        assertEquals((byte) 128, initializer(file, "1_W_zero_point").getRawData().byteAt(0));
        int[] expected = q.get("1_W").codes();
        byte[] raw = codes.getRawData().toByteArray();
        // the codes are stored [fan-in, units] (DL4J's layout); Channels keeps them per unit (channel-major)
        int units = 30;
        int fanIn = 60;
        for (int i = 0; i < raw.length; i++) {
            assertEquals(expected[(i % units) * fanIn + i / units] + 128, raw[i] & 0xff, "code " + i);
        }
        float[][][] out = both(net, file);
        assertTrue(agreement(out[0], out[1]) >= 0.98, "top-1 agreement " + agreement(out[0], out[1]));
        try (OnnxSession s = OnnxSession.open(file, 1, null)) {
            assertEquals("8", s.metadata().get("distill4j.weight_bits"));
            assertEquals("2", s.metadata().get("distill4j.quantized_activations"));
        }
    }

    /**
     * With 8-bit pixel input the input is quantized too (1/255, lossless), every dense layer reads a quantized tensor
     * and ONNX Runtime runs both hidden layers on integer kernels; 4-bit codes (within ±63) stay int8.
     */
    @Test
    void pixelInputMakesEveryLayerAnIntegerKernel() throws Exception {
        Map<String, Quantizer.Channels> q = new LinkedHashMap<>();
        Net net = quantizedMlp(4, true, q, PIXELS);
        Path file = write(net, q, "pixels", 1f / 255);
        List<String> ops = ops(file);
        assertEquals(3, ops.stream().filter("QuantizeLinear"::equals).count(), "input and two activations");
        assertEquals(OnnxMl.TensorProto.DataType.INT8.getNumber(), initializer(file, "0_W_quantized").getDataType());
        OnnxKernels k = OnnxKernels.of(file, 1);
        assertEquals(2, k.integer(), k.describe());
        assertEquals(1, k.floatCompute(), "the classifier, whose float logits are not quantized: " + k.describe());
        INDArray x = Nd4j.create(PIXELS, new long[] {64, IN.flat()});
        float[][] dl4j = net.output(x).toFloatMatrix();
        try (OnnxSession s = OnnxSession.open(file, 1, null)) {
            float[][] ort = s.run(PIXELS, 64);
            assertTrue(agreement(dl4j, ort) >= 0.98, "top-1 agreement " + agreement(dl4j, ort));
            assertTrue(s.metadata().get("distill4j.input_quantization").contains("0.003921"));
        }
    }

    /**
     * Weights at the widest 8-bit codes against full-scale pixels: u8·s8 kernels without VNNI saturate their int16
     * pair sums here (2 · 255 · 127 > 32767); stored as uint8 the product is exact, so ONNX Runtime's logits stay
     * within rounding of distill4j's.
     */
    @Test
    void widestCodesOnFullScaleInputDoNotSaturate() throws Exception {
        Map<String, Quantizer.Channels> q = new LinkedHashMap<>();
        Net net = quantizedMlp(8, true, q, PIXELS);
        float[] w = WeightLayers.of(net).get(0).rows(net);
        float[] x = new float[64 * IN.flat()];
        for (int r = 0; r < 64; r++) {
            for (int i = 0; i < IN.flat(); i++) {
                // a row's pixels bright where unit r % 60's weights are positive: large positive pair sums
                x[r * IN.flat() + i] = w[(r % 60) * IN.flat() + i] > 0 ? 1f : (r + i) % 3 / 255f;
            }
        }
        Path file = write(net, q, "saturation", 1f / 255);
        float[][] dl4j = net.output(Nd4j.create(x, new long[] {64, IN.flat()})).toFloatMatrix();
        try (OnnxSession s = OnnxSession.open(file, 1, null)) {
            double d = relativeDifference(dl4j, s.run(x, 64));
            assertTrue(d < 0.05, "max |logit difference| " + d + " of the logit scale");
        }
    }

    /**
     * A residual network quantized as QAT does it (batch norm folded, the quantization points of
     * {@link QuantizationPoints}) runs every convolution and every residual add on integer kernels in ONNX Runtime: the
     * last convolution of each block and the projections are quantized, the first convolution of a block is not
     * (its ReLU is); only the classifier, on the float global average, stays float.
     */
    @Test
    void residualNetworksRunOnIntegerConvolutionsAndAdds() throws Exception {
        Net net = BatchNormFolding.fold(Architectures.build(new ResNetSpec(8, 4), "a", IN, 10, 3)).net();
        Set<String> points = QuantizationPoints.of(net, true);
        assertTrue(points.containsAll(List.of("g1b1_2_conv", "g2b1_proj_conv", "g3b1_2_conv", "g1b1_1_relu")),
                points.toString());
        assertTrue(!points.contains("g1b1_1_conv") && !points.contains("fc"), points.toString());
        assertTrue(!QuantizationPoints.of(net, false).contains("g1b1_2_conv"));
        Net quantized = net.mapActivations((name, a) -> points.contains(name) ? new QuantizedActivation(a, 8, 0.9,
                100) : a);
        quantized.fit(new DataSet(Nd4j.create(PIXELS, new long[] {64, IN.flat()}),
                Nd4j.eye(10).getRows(new Random(1).ints(64, 0, 10).toArray())));
        Map<String, Quantizer.Channels> q = new LinkedHashMap<>();
        for (WeightLayers.WeightLayer l : WeightLayers.of(quantized)) {
            Quantizer.Channels c = Quantizer.quantizeSymmetric(l.rows(quantized), l.channels(), 8);
            l.setRows(quantized, c.values());
            q.put(l.key(), c);
        }
        Path file = write(quantized, q, "resnet-qdq", 1f / 255);
        OnnxKernels k = OnnxKernels.of(file, 1);
        assertEquals(9, k.ops().getOrDefault("com.microsoft:QLinearConv", 0), k.describe());
        assertEquals(3, k.ops().getOrDefault("com.microsoft:QLinearAdd", 0), k.describe());
        assertEquals(1, k.floatCompute(), k.describe());
        INDArray x = Nd4j.create(PIXELS, new long[] {64, IN.flat()});
        float[][] dl4j = quantized.output(x).toFloatMatrix();
        try (OnnxSession s = OnnxSession.open(file, 1, null)) {
            float[][] ort = s.run(PIXELS, 64);
            assertTrue(relativeDifference(dl4j, ort) < 0.05, "max |logit difference| " + relativeDifference(dl4j,
                    ort));
        }
    }

    /**
     * Post-training dynamic quantization exports as ONNX Runtime's: each weight layer quantizes its (pixel or
     * dynamically quantized) input at run time and multiplies integers, as distill4j's
     * {@link org.distill4j.model.DynamicQuantizedActivation} simulates.
     */
    @Test
    void dynamicQuantizationExportsIntegerProductsOfRunTimeQuantizedInputs() throws Exception {
        Map<String, Quantizer.Channels> q = new LinkedHashMap<>();
        Net net = quantizedMlp(8, false, q, PIXELS).mapActivations((name, a) -> name.equals("output") ? a
                : new org.distill4j.model.DynamicQuantizedActivation(a));
        Path file = write(net, q, "dynamic", 1f / 255);
        List<String> ops = ops(file);
        assertEquals(3, ops.stream().filter("DynamicQuantizeLinear"::equals).count());
        assertEquals(3, ops.stream().filter("MatMulInteger"::equals).count());
        assertEquals(0, ops.stream().filter("QuantizeLinear"::equals).count(), "no static quantization");
        OnnxKernels k = OnnxKernels.of(file, 1);
        assertEquals(0, k.floatCompute(), k.describe());
        INDArray x = Nd4j.create(PIXELS, new long[] {64, IN.flat()});
        float[][] dl4j = net.output(x).toFloatMatrix();
        try (OnnxSession s = OnnxSession.open(file, 1, null)) {
            float[][] ort = s.run(PIXELS, 64);
            assertTrue(relativeDifference(dl4j, ort) < 1e-3, "max |logit difference| " + relativeDifference(dl4j,
                    ort) + " of the logit scale");
        }
    }

    @Test
    void aLayerOnnxCannotExpressIsAOneLineError() {
        MultiLayerNetwork m = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).convolutionMode(ConvolutionMode.Same)
                        .activation(new ActivationIdentity()).build())
                .layer(new Upsampling2D.Builder(2).build())
                .layer(new OutputLayer.Builder(org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nOut(10)
                        .activation(new ActivationIdentity()).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
        m.init();
        InputException e = assertThrows(InputException.class, () -> OnnxExport.export(new Net(m), IN,
                Map.of(), Map.of()));
        assertEquals("layer 'layer1' (Upsampling2D) cannot be exported to ONNX: no ONNX form for this layer type",
                e.getMessage());
        assertEquals(InputException.Kind.MODEL_FILE, e.kind());
    }

    @Test
    void paddingAndBatchNormArithmeticByHand() {
        int[] one = {1, 1};
        int[] zero = {0, 0};
        // Same: ceil(in / stride) outputs; total = (out − 1)·stride + k − in, the smaller half first
        assertArrayEquals(new long[] {2, 2, 2, 2}, OnnxExport.pads(ConvolutionMode.Same, new int[] {5, 5}, one,
                zero, one, 28, 28, "l", null));
        assertArrayEquals(new long[] {1, 1, 1, 1}, OnnxExport.pads(ConvolutionMode.Same, new int[] {3, 3},
                new int[] {2, 2}, zero, one, 7, 7, "l", null)); // out 4: 3·2 + 3 − 7 = 2
        assertArrayEquals(new long[] {0, 0, 1, 1}, OnnxExport.pads(ConvolutionMode.Same, new int[] {2, 2},
                new int[] {2, 2}, zero, one, 5, 5, "l", null)); // out 3: 2·2 + 2 − 5 = 1, at the bottom
        assertArrayEquals(new long[] {0, 1, 0, 1}, OnnxExport.pads(ConvolutionMode.Truncate, new int[] {3, 3},
                one, new int[] {0, 1}, one, 9, 9, "l", null));
        // a = γ / sqrt(var + eps) = 2 / sqrt(3 + 1) = 1; b = β − a·μ = 1 − 3 = −2
        float[][] ab = OnnxExport.batchNormAffine(new float[] {2f}, new float[] {1f}, new float[] {3f},
                new float[] {3f}, 1.0);
        assertArrayEquals(new float[] {1f}, ab[0]);
        assertArrayEquals(new float[] {-2f}, ab[1]);
    }
}
