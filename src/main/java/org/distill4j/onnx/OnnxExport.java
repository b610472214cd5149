package org.distill4j.onnx;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.distill4j.config.InputException;
import org.distill4j.math.Quantizer;
import org.distill4j.model.Architectures;
import org.distill4j.model.DynamicQuantizedActivation;
import org.distill4j.model.Net;
import org.distill4j.model.QuantizedActivation;
import org.distill4j.model.WeightLayers;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationGELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A distill4j network as an ONNX model (opset {@value #OPSET}): one float input {@value #INPUT} of shape
 * {@code [batch, c·h·w]} (the flat rows distill4j feeds; reshaped for convolutions as DL4J does) and one output
 * {@value #OUTPUT} {@code [batch, classes]}, the batch dimension dynamic.
 * <ul>
 * <li>Dense and output layers become {@code Gemm} ({@code MatMul} without a bias), convolutions {@code Conv} with
 * DL4J's padding made explicit ({@code Same}: the extra row or column at the bottom or right), pooling {@code MaxPool}
 * / {@code AveragePool} / {@code GlobalAveragePool} / {@code GlobalMaxPool}, residual adds {@code Add}; dropout is left
 * out (inference).</li>
 * <li>Batch norm right after a convolution without activation (and without quantized weights) is folded into that
 * convolution's weights and bias; any other becomes a per-channel {@code Mul} and {@code Add}.</li>
 * <li>Weights are written as they are, so pruned weights stay exact zeros. Weights quantized to a uniform grid
 * ({@link Quantizer.Channels} without a codebook) are written as int8 codes (uint8 with zero point 128 when wider than
 * 7 bits: {@link #SATURATION_FREE}) with per-output-channel scales and a {@code DequantizeLinear}; codebook
 * (k-means) weights as the float values they decode to.</li>
 * <li>An activation with fake quantization ({@link QuantizedActivation}) is followed by {@code QuantizeLinear} and
 * {@code DequantizeLinear} with its learned scale and zero point (after a {@code Clip} to its range below 8 bits, as
 * uint8 codes in the narrower range): QDQ, which ONNX Runtime fuses with the layers around it into integer kernels
 * ({@code QLinearConv}, {@code QGemm}, {@code QLinearAdd}; {@link OnnxKernels} lists what it chose). Max pooling
 * and reshaping of a quantized tensor are quantized again on the same grid (lossless), and the input too when it is
 * 8-bit pixels, so that every layer between quantized tensors has one on each side. A dense layer on a float input
 * (the classifier after a global average) keeps float weights: ONNX Runtime would otherwise run it as a weight-only
 * {@code MatMulNBits} that quantizes its input at run time.</li>
 * <li>Quantized weights without static activation quantization (post-training {@code dynamic}) become ONNX Runtime's
 * dynamic quantization: a weight layer that reads a tensor the model quantizes dynamically
 * ({@link DynamicQuantizedActivation}, or 8-bit pixel input) computes {@code DynamicQuantizeLinear} of it and an
 * integer {@code MatMulInteger} or {@code ConvInteger}; one that reads a float tensor keeps float weights.</li>
 * </ul>
 * A layer or activation with no such form is a one-line {@link InputException} naming the layer.
 */
public final class OnnxExport {
    public static final int OPSET = 13;
    /** The IR version of opset 13 models (ONNX 1.8). */
    public static final long IR_VERSION = 7;
    public static final String INPUT = "input";
    public static final String OUTPUT = "logits";
    /**
     * The widest int8 weight code that ONNX Runtime's u8·s8 kernels cannot saturate on CPUs without VNNI: AVX2 and
     * AVX-512BW multiply pairs of uint8 activations and int8 weights into int16 sums ({@code vpmaddubsw}), and
     * {@code 2 · 255 · 63 = 32130} fits where {@code 2 · 255 · 127} does not. Wider codes (8-bit weights) are stored
     * as uint8 with zero point 128, which ONNX Runtime multiplies exactly (u8·u8 kernels) on every CPU.
     */
    static final int SATURATION_FREE = 63;

    private final OnnxGraph g = new OnnxGraph();
    private final Map<String, INDArray> params;
    private final Map<String, Quantizer.Channels> quantized;
    private int quantizedWeights;
    private int uint8Weights;
    private int quantizedActivations;
    private int minWeightBits = 32;
    private int minActivationBits = 32;
    /**
     * Tensors whose values lie exactly on a quantization grid (the output of a {@code DequantizeLinear}, and max
     * pooling or reshaping of one), with the names of that grid's scale and zero point.
     */
    private final Map<String, String[]> grid = new HashMap<>();
    private int floatDense;
    /**
     * Weights quantized and activations not (weights-only quantization): weight layers quantize their input at run
     * time ({@code DynamicQuantizeLinear}) and multiply integers ({@code MatMulInteger}, {@code ConvInteger}), as
     * ONNX Runtime's dynamic quantization does.
     */
    private boolean dynamic;
    private int dynamicLayers;
    /**
     * Tensors a dynamic export quantizes at run time where a weight layer reads them: the outputs of
     * {@link DynamicQuantizedActivation}s (and max pooling or reshaping of them), and the input when it is 8-bit
     * pixels.
     */
    private final Set<String> dynamicInputs = new HashSet<>();
    /** The tensor the network reads: the input, or its quantized form. */
    private String source = INPUT;

    private OnnxExport(Net net, Map<String, Quantizer.Channels> quantized) {
        this.params = net.model().paramTable();
        this.quantized = quantized == null ? Map.of() : quantized;
    }

    /**
     * The ONNX model of {@code net} (taking {@code input} images), with the weights' quantized
     * codes from {@code quantized} (param key to codes; empty for a float model) and {@code metadata} added to the
     * file's own ({@code distill4j.*} keys: opset, quantization).
     */
    public static OnnxMl.ModelProto export(Net net, Architectures.InputShape input,
                                           Map<String, Quantizer.Channels> quantized, Map<String, String> metadata) {
        return export(net, input, quantized, metadata, null);
    }

    /**
     * As {@link #export(Net, Architectures.InputShape, Map, Map)}; when the network's activations are quantized and
     * {@code inputStep} is not null, the input is quantized too, as uint8 codes of {@code inputStep} with zero point 0
     * ({@code 1/255} for 8-bit pixels: lossless there), so that the first layer runs on integer kernels as well.
     */
    public static OnnxMl.ModelProto export(Net net, Architectures.InputShape input,
                                           Map<String, Quantizer.Channels> quantized, Map<String, String> metadata,
                                           Float inputStep) {
        OnnxExport e = new OnnxExport(net, quantized);
        InputType type = input.type();
        int channels = input.channels();
        int height = input.height();
        int width = input.width();
        boolean activations = hasQuantizedActivations(net);
        e.dynamic = !activations && e.quantized.values().stream().anyMatch(q -> !q.isShared());
        if (inputStep != null && e.dynamic) {
            e.dynamicInputs.add(INPUT);
        }
        if (inputStep != null && activations) {
            String scale = e.scalar(INPUT + "_scale", inputStep);
            String zero = e.g.uint8s(INPUT + "_zero_point", new byte[] {0});
            e.source = e.g.node("DequantizeLinear", INPUT + "_dq", new String[] {
                e.g.node("QuantizeLinear", INPUT + "_q", new String[] {INPUT, scale, zero}), scale, zero});
            e.grid.put(e.source, new String[] {scale, zero});
        }
        String last = net.isGraph() ? e.graph((ComputationGraph) net.model(), type)
                : e.layers((MultiLayerNetwork) net.model(), type);
        e.g.graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName(OUTPUT + "/Identity")
                .addInput(last).addOutput(OUTPUT));
        long classes = net.model() instanceof MultiLayerNetwork m ? m.layerSize(m.getnLayers() - 1)
                : outputs((ComputationGraph) net.model());
        e.g.graph.setName("distill4j").addInput(OnnxGraph.value(INPUT, -1, (long) channels * height * width))
                .addOutput(OnnxGraph.value(OUTPUT, -1, classes));
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("distill4j.input", INPUT + " [batch, " + channels * height * width + "] float32, images "
                + channels + "x" + height + "x" + width + " flattened row-major, pixels in [0, 1]");
        meta.put("distill4j.output", OUTPUT + " [batch, " + classes + "] float32 logits");
        if (!e.source.equals(INPUT)) {
            meta.put("distill4j.input_quantization", "uint8 codes of " + inputStep + " (zero point 0)");
        }
        meta.put("distill4j.quantized_weights", Integer.toString(e.quantizedWeights));
        if (e.dynamicLayers > 0) {
            meta.put("distill4j.dynamic_quantization", e.dynamicLayers + " weight layer(s) quantize their input at run "
                    + "time (DynamicQuantizeLinear, uint8 per tensor) and multiply integers");
        }
        if (e.floatDense > 0) {
            meta.put("distill4j.float_dense_on_float_input", e.floatDense + " dense layer(s) with quantized weights "
                    + "and a float input, written as the float values of their codes");
        }
        meta.put("distill4j.quantized_activations", Integer.toString(e.quantizedActivations));
        if (e.quantizedWeights > 0) {
            meta.put("distill4j.weight_storage", e.uint8Weights == 0 ? "int8 codes, zero point 0"
                    : e.uint8Weights + " of " + e.quantizedWeights + " weight tensors as uint8 codes with zero point "
                    + "128 (8-bit codes: exact u8·u8 kernels on CPUs without VNNI), the rest int8");
            meta.put("distill4j.weight_bits", e.minWeightBits + (e.minWeightBits < 8
                    ? " (stored as int8 codes within the narrower range)" : ""));
        }
        if (e.quantizedActivations > 0) {
            meta.put("distill4j.activation_bits", e.minActivationBits + (e.minActivationBits < 8
                    ? " (uint8 codes within the narrower range, clipped to it first)" : ""));
        }
        OnnxMl.ModelProto.Builder m = OnnxMl.ModelProto.newBuilder().setIrVersion(IR_VERSION)
                .setProducerName("distill4j").setProducerVersion(version())
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(e.g.graph);
        meta.forEach((k, v) -> m.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    private static boolean hasQuantizedActivations(Net net) {
        return net.activations().values().stream().anyMatch(a -> a instanceof QuantizedActivation q
                && q.affine() != null);
    }

    private static String version() {
        String v = OnnxExport.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static long outputs(ComputationGraph cg) {
        String out = cg.getConfiguration().getNetworkOutputs().get(0);
        return cg.layerSize(out);
    }

    static InputException unsupported(String layer, Object what, String why) {
        return new InputException(InputException.Kind.MODEL_FILE, "layer '" + layer + "' ("
                + what.getClass().getSimpleName() + ") cannot be exported to ONNX: " + why);
    }

    // ----------------------------------------------------------------------------------------------------------
    // network walks

    private String layers(MultiLayerNetwork m, InputType type) {
        MultiLayerConfiguration conf = m.getLayerWiseConfigurations();
        int n = conf.getConfs().size();
        String x = source;
        for (int i = 0; i < n; i++) {
            Layer l = conf.getConf(i).getLayer();
            String name = WeightLayers.layerName(l, i);
            InputPreProcessor pp = conf.getInputPreProcess(i);
            if (pp != null) {
                x = preprocess(pp, x, type, name);
                type = pp.getOutputType(type);
            }
            BatchNormalization fold = null;
            if (i + 1 < n && conf.getInputPreProcess(i + 1) == null
                    && conf.getConf(i + 1).getLayer() instanceof BatchNormalization bn && canFold(l, i + "_")) {
                fold = bn;
            }
            x = layer(l, name, x, type, i + "_", fold, (i + 1) + "_");
            type = l.getOutputType(i, type);
            if (fold != null) {
                i++;
                type = fold.getOutputType(i, type);
            }
        }
        return x;
    }

    private String graph(ComputationGraph cg, InputType type) {
        ComputationGraphConfiguration conf = cg.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new InputException(InputException.Kind.MODEL_FILE, "a graph with " + conf.getNetworkInputs().size()
                    + " inputs and " + conf.getNetworkOutputs().size() + " outputs cannot be exported to ONNX "
                    + "(one input and one output only)");
        }
        Map<String, List<String>> consumers = new HashMap<>();
        conf.getVertexInputs().forEach((v, ins) -> ins.forEach(in ->
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(v)));
        Map<String, String> out = new HashMap<>();
        Map<String, InputType> types = new HashMap<>();
        Set<String> folded = new HashSet<>();
        String input = conf.getNetworkInputs().get(0);
        out.put(input, source);
        types.put(input, type);
        for (String v : conf.getTopologicalOrderStr()) {
            if (v.equals(input)) {
                continue;
            }
            GraphVertex gv = conf.getVertices().get(v);
            List<String> ins = conf.getVertexInputs().get(v);
            InputType[] inTypes = ins.stream().map(types::get).toArray(InputType[]::new);
            if (gv instanceof LayerVertex lv) {
                if (folded.contains(v)) {
                    out.put(v, out.get(ins.get(0)));
                } else {
                    Layer l = lv.getLayerConf().getLayer();
                    String x = out.get(ins.get(0));
                    InputType t = inTypes[0];
                    if (lv.getPreProcessor() != null) {
                        x = preprocess(lv.getPreProcessor(), x, t, v);
                        t = lv.getPreProcessor().getOutputType(t);
                    }
                    List<String> next = consumers.getOrDefault(v, List.of());
                    BatchNormalization fold = null;
                    if (next.size() == 1 && conf.getVertices().get(next.get(0)) instanceof LayerVertex nv
                            && nv.getPreProcessor() == null
                            && nv.getLayerConf().getLayer() instanceof BatchNormalization bn && canFold(l, v + "_")) {
                        fold = bn;
                        folded.add(next.get(0));
                    }
                    out.put(v, layer(l, v, x, t, v + "_", fold, next.isEmpty() ? null : next.get(0) + "_"));
                }
            } else if (gv instanceof ElementWiseVertex ew) {
                if (ew.getOp() != ElementWiseVertex.Op.Add) {
                    throw unsupported(v, gv, "element-wise " + ew.getOp() + " (only Add is exported)");
                }
                String x = out.get(ins.get(0));
                for (int j = 1; j < ins.size(); j++) {
                    x = g.node("Add", v, new String[] {x, out.get(ins.get(j))});
                }
                out.put(v, x);
            } else {
                throw unsupported(v, gv, "no ONNX form for this vertex");
            }
            types.put(v, gv.getOutputType(-1, inTypes));
        }
        return out.get(conf.getNetworkOutputs().get(0));
    }

    /** A convolution with no activation of its own and float weights, which a batch norm after it can fold into. */
    private boolean canFold(Layer l, String prefix) {
        return l.getClass() == ConvolutionLayer.class
                && ((ConvolutionLayer) l).getActivationFn() instanceof ActivationIdentity
                && !quantized.containsKey(prefix + "W");
    }

    private String preprocess(InputPreProcessor pp, String x, InputType type, String layer) {
        if (pp instanceof FeedForwardToCnnPreProcessor f) {
            String shape = g.longs(layer + "_shape", new long[] {-1, f.getNumChannels(), f.getInputHeight(),
                    f.getInputWidth()}, 4);
            return keepGrid(x, g.node("Reshape", layer + "_in", new String[] {x, shape}), layer + "_in");
        }
        if (pp instanceof CnnToFeedForwardPreProcessor c) {
            if (c.getFormat() != CNN2DFormat.NCHW) {
                throw unsupported(layer, pp, "channels-last input");
            }
            return keepGrid(x, g.node("Flatten", layer + "_in", new String[] {x}, OnnxGraph.integer("axis", 1)),
                    layer + "_in");
        }
        throw unsupported(layer, pp, "no ONNX form for this input preprocessor");
    }

    // ----------------------------------------------------------------------------------------------------------
    // layers

    private String layer(Layer l, String name, String x, InputType type, String prefix, BatchNormalization fold,
                         String foldPrefix) {
        if (l.getClass() == DenseLayer.class || l.getClass() == OutputLayer.class) {
            return dense((BaseLayer) l, name, x, type, prefix);
        }
        if (l.getClass() == ConvolutionLayer.class) {
            return conv((ConvolutionLayer) l, name, x, type, prefix, fold, foldPrefix);
        }
        if (l.getClass() == SubsamplingLayer.class) {
            return pool((SubsamplingLayer) l, name, x, type);
        }
        if (l instanceof GlobalPoolingLayer gp) {
            return globalPool(gp, name, x, type);
        }
        if (l instanceof BatchNormalization bn) {
            float[][] ab = batchNorm(bn, prefix, name);
            long c = ab[0].length;
            long[] dims = type.getType() == InputType.Type.CNN ? new long[] {1, c, 1, 1} : new long[] {1, c};
            String a = g.floats(name + "_scale", ab[0], dims);
            String b = g.floats(name + "_shift", ab[1], dims);
            return g.node("Add", name, new String[] {g.node("Mul", name + "_mul", new String[] {x, a}), b});
        }
        if (l instanceof ActivationLayer a) {
            return activation(a.getActivationFn(), x, name);
        }
        if (l instanceof DropoutLayer) {
            return x;
        }
        if (l.getClass() == LossLayer.class) {
            return activation(((LossLayer) l).getActivationFn(), x, name);
        }
        throw unsupported(name, l, "no ONNX form for this layer type");
    }

    private String dense(BaseLayer l, String name, String x, InputType type, String prefix) {
        if (type.getType() == InputType.Type.CNN || type.getType() == InputType.Type.RNN) {
            throw unsupported(name, l, "a dense layer on " + type.getType() + " input without a flattening");
        }
        INDArray w = param(prefix + "W", name, l);
        Quantizer.Channels q = quantized.get(prefix + "W");
        if (dynamic && q != null && !q.isShared() && dynamicInputs.contains(x)) {
            INDArray b = params.get(prefix + "b");
            String y = dynamicProduct("MatMulInteger", name, x, w, q, 1, b, new long[] {1, w.size(1)});
            return activation(l.getActivationFn(), y, name + "_act");
        }
        String weight;
        if (quantized.containsKey(prefix + "W") && !grid.containsKey(x)) {
            // float input: a DequantizeLinear here would become ONNX Runtime's weight-only MatMulNBits, which by
            // default quantizes its input at run time; the weights' (quantized) values in float compute as trained
            floatDense++;
            weight = g.floats(prefix + "W", flat(w), w.shape());
        } else {
            weight = weight(prefix + "W", w, 1, name);
        }
        INDArray b = params.get(prefix + "b");
        String y = b == null ? g.node("MatMul", name, new String[] {x, weight})
                : g.node("Gemm", name, new String[] {x, weight, g.floats(prefix + "b", flat(b), b.length())});
        return activation(l.getActivationFn(), y, name + "_act");
    }

    private String conv(ConvolutionLayer c, String name, String x, InputType type, String prefix,
                        BatchNormalization fold, String foldPrefix) {
        if (c.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            throw unsupported(name, c, "channels-last convolutions");
        }
        InputType.InputTypeConvolutional t = convType(type, name, c);
        long[] pads = pads(c.getConvolutionMode(), c.getKernelSize(), c.getStride(), c.getPadding(),
                c.getDilation(), t.getHeight(), t.getWidth(), name, c);
        INDArray w = param(prefix + "W", name, c);
        INDArray b = params.get(prefix + "b");
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] d = c.getDilation();
        OnnxMl.AttributeProto[] attrs = {OnnxGraph.ints("kernel_shape", k[0], k[1]), OnnxGraph.ints("strides", s[0],
            s[1]), OnnxGraph.ints("dilations", d[0], d[1]), OnnxGraph.ints("pads", pads),
            OnnxGraph.integer("group", 1)};
        Quantizer.Channels q = quantized.get(prefix + "W");
        if (dynamic && q != null && !q.isShared() && fold == null && dynamicInputs.contains(x)) {
            String y = dynamicProduct("ConvInteger", name, x, w, q, 0, b, new long[] {1, w.size(0), 1, 1}, attrs);
            return activation(c.getActivationFn(), y, name + "_act");
        }
        String weight;
        String bias = null;
        if (fold != null) {
            float[][] ab = batchNorm(fold, foldPrefix, name);
            float[] wv = flat(w);
            int per = (int) (w.length() / w.size(0));
            float[] bv = b == null ? new float[(int) w.size(0)] : flat(b);
            for (int o = 0; o < ab[0].length; o++) {
                for (int j = 0; j < per; j++) {
                    wv[o * per + j] *= ab[0][o];
                }
                bv[o] = bv[o] * ab[0][o] + ab[1][o];
            }
            weight = g.floats(prefix + "W", wv, w.shape());
            bias = g.floats(prefix + "b", bv, bv.length);
        } else {
            weight = weight(prefix + "W", w, 0, name);
            if (b != null) {
                bias = g.floats(prefix + "b", flat(b), b.length());
            }
        }
        String y = g.node("Conv", name, bias == null ? new String[] {x, weight} : new String[] {x, weight, bias},
                attrs);
        return activation(c.getActivationFn(), y, name + "_act");
    }

    private String pool(SubsamplingLayer p, String name, String x, InputType type) {
        InputType.InputTypeConvolutional t = convType(type, name, p);
        int[] k = p.getKernelSize();
        int[] s = p.getStride();
        int[] d = p.getDilation();
        if (d[0] != 1 || d[1] != 1) {
            throw unsupported(name, p, "dilated pooling");
        }
        long[] pads = pads(p.getConvolutionMode(), k, s, p.getPadding(), d, t.getHeight(), t.getWidth(), name, p);
        OnnxMl.AttributeProto[] common = {OnnxGraph.ints("kernel_shape", k[0], k[1]),
            OnnxGraph.ints("strides", s[0], s[1]), OnnxGraph.ints("pads", pads)};
        if (p.getPoolingType() == PoolingType.MAX) {
            return keepGrid(x, g.node("MaxPool", name, new String[] {x}, common), name);
        }
        if (p.getPoolingType() == PoolingType.AVG) {
            OnnxMl.AttributeProto[] attrs = java.util.Arrays.copyOf(common, 4);
            attrs[3] = OnnxGraph.integer("count_include_pad", p.isAvgPoolIncludePadInDivisor() ? 1 : 0);
            return g.node("AveragePool", name, new String[] {x}, attrs);
        }
        throw unsupported(name, p, p.getPoolingType() + " pooling");
    }

    private String globalPool(GlobalPoolingLayer p, String name, String x, InputType type) {
        if (type.getType() != InputType.Type.CNN) {
            throw unsupported(name, p, "global pooling of " + type.getType() + " input");
        }
        String op = switch (p.getPoolingType()) {
            case AVG -> "GlobalAveragePool";
            case MAX -> "GlobalMaxPool";
            default -> throw unsupported(name, p, p.getPoolingType() + " pooling");
        };
        String y = g.node(op, p.isCollapseDimensions() ? name + "_pool" : name, new String[] {x});
        return p.isCollapseDimensions() ? g.node("Flatten", name, new String[] {y}, OnnxGraph.integer("axis", 1)) : y;
    }

    private static InputType.InputTypeConvolutional convType(InputType type, String name, Layer l) {
        if (!(type instanceof InputType.InputTypeConvolutional t)) {
            throw unsupported(name, l, "expects image input (channels x height x width), got " + type);
        }
        return t;
    }

    /**
     * ONNX {@code pads} (top, left, bottom, right) for DL4J's convolution mode: {@code Same} pads to
     * {@code ceil(in / stride)} outputs with the smaller half at the top and left, as DL4J does; {@code Truncate} and
     * {@code Strict} pad by the layer's {@code padding}.
     */
    static long[] pads(ConvolutionMode mode, int[] k, int[] s, int[] p, int[] d, long h, long w, String name,
                       Layer l) {
        if (mode == ConvolutionMode.Same) {
            long[] top = new long[2];
            long[] total = new long[2];
            long[] in = {h, w};
            for (int i = 0; i < 2; i++) {
                long eff = k[i] + (long) (k[i] - 1) * (d[i] - 1);
                long out = (in[i] + s[i] - 1) / s[i];
                total[i] = Math.max(0, (out - 1) * s[i] + eff - in[i]);
                top[i] = total[i] / 2;
            }
            return new long[] {top[0], top[1], total[0] - top[0], total[1] - top[1]};
        }
        if (mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict) {
            return new long[] {p[0], p[1], p[0], p[1]};
        }
        throw unsupported(name, l, "convolution mode " + mode);
    }

    /**
     * Batch norm at inference as {@code y = a·x + b} per channel: {@code a = γ / sqrt(var + eps)}, {@code b = β − a·μ},
     * with DL4J's {@code var = (10^log10std)²} when the layer keeps log10 of the standard deviation.
     */
    private float[][] batchNorm(BatchNormalization bn, String prefix, String name) {
        float[] mean = flat(param(prefix + "mean", name, bn));
        float[] var;
        if (bn.isUseLogStd()) {
            float[] log10std = flat(param(prefix + "log10stdev", name, bn));
            var = new float[log10std.length];
            for (int i = 0; i < var.length; i++) {
                double s = Math.pow(10.0, log10std[i]);
                var[i] = (float) (s * s);
            }
        } else {
            var = flat(param(prefix + "var", name, bn));
        }
        int c = mean.length;
        float[] gamma = bn.isLockGammaBeta() ? filled(c, bn.getGamma()) : flat(param(prefix + "gamma", name, bn));
        float[] beta = bn.isLockGammaBeta() ? filled(c, bn.getBeta()) : flat(param(prefix + "beta", name, bn));
        return batchNormAffine(gamma, beta, mean, var, bn.getEps());
    }

    /** {@code a = γ / sqrt(var + eps)} and {@code b = β − a·μ}, computed in double and rounded once. */
    static float[][] batchNormAffine(float[] gamma, float[] beta, float[] mean, float[] var, double eps) {
        int c = mean.length;
        float[] a = new float[c];
        float[] b = new float[c];
        for (int i = 0; i < c; i++) {
            double ai = gamma[i] / Math.sqrt(var[i] + eps);
            a[i] = (float) ai;
            b[i] = (float) (beta[i] - ai * mean[i]);
        }
        return new float[][] {a, b};
    }

    private static float[] filled(int n, double v) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, (float) v);
        return out;
    }

    // ----------------------------------------------------------------------------------------------------------
    // weights and activations

    private INDArray param(String key, String name, Layer l) {
        INDArray p = params.get(key);
        if (p == null) {
            throw unsupported(name, l, "parameter " + key + " is missing");
        }
        return p;
    }

    private static float[] flat(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    /**
     * A weight tensor: float32, or, when its codes are uniform ({@code code · scale[channel]}), int8 codes with
     * per-channel scales along {@code axis} (the output units) and a {@code DequantizeLinear}.
     */
    private String weight(String key, INDArray w, int axis, String layer) {
        float[] v = flat(w);
        long[] shape = w.shape();
        Quantizer.Channels q = quantized.get(key);
        if (q == null || q.isShared()) {
            return g.floats(key, v, shape);
        }
        int channels = (int) shape[axis];
        float[] scales = q.scales().clone();
        byte[] codes = codes(key, v, shape, scales, axis);
        int widest = 0;
        for (byte c : codes) {
            widest = Math.max(widest, Math.abs(c));
        }
        for (int c = 0; c < channels; c++) {
            scales[c] = scales[c] == 0 ? 1f : scales[c]; // an all-zero channel: codes 0 under any scale
        }
        quantizedWeights++;
        minWeightBits = Math.min(minWeightBits, q.bits());
        String codesName;
        String zero;
        if (widest > SATURATION_FREE) {
            for (int i = 0; i < codes.length; i++) {
                codes[i] = (byte) (codes[i] + 128);
            }
            uint8Weights++;
            codesName = g.uint8s(key + "_quantized", codes, shape);
            byte[] zeros = new byte[channels];
            java.util.Arrays.fill(zeros, (byte) 128);
            zero = g.uint8s(key + "_zero_point", zeros, channels);
        } else {
            codesName = g.int8s(key + "_quantized", codes, shape);
            zero = g.int8s(key + "_zero_point", new byte[channels], channels);
        }
        String scale = g.floats(key + "_scale", scales, channels);
        return g.node("DequantizeLinear", key, new String[] {codesName, scale, zero},
                OnnxGraph.integer("axis", axis));
    }

    /**
     * {@code y}, computed by an operator that keeps {@code x}'s values on their grid (max pooling, reshaping),
     * quantized again with {@code x}'s scale and zero point when {@code x} is on a grid: a lossless
     * {@code QuantizeLinear} and {@code DequantizeLinear} that let ONNX Runtime run the operator and the layer after it
     * on integers.
     */
    private String keepGrid(String x, String y, String name) {
        if (dynamicInputs.contains(x)) {
            dynamicInputs.add(y);
        }
        String[] q = grid.get(x);
        if (q == null) {
            return y;
        }
        String dq = g.node("DequantizeLinear", name + "_dq", new String[] {
            g.node("QuantizeLinear", name + "_q", new String[] {y, q[0], q[1]}), q[0], q[1]});
        grid.put(dq, q);
        return dq;
    }

    /**
     * {@code x · w (+ b)} with {@code x} quantized at run time: {@code DynamicQuantizeLinear} (uint8, per tensor), the
     * integer product {@code op} ({@code MatMulInteger} or {@code ConvInteger}) with the weights as uint8 codes + 128
     * (zero point 128: exact, unsaturated kernels on every CPU), then {@code Cast} to float times
     * {@code x_scale · w_scale[channel]} (shaped {@code scaleShape}), plus the bias.
     */
    private String dynamicProduct(String op, String name, String x, INDArray w, Quantizer.Channels q, int axis,
                                  INDArray b, long[] scaleShape, OnnxMl.AttributeProto... attrs) {
        String key = name + "_W";
        long[] shape = w.shape();
        int channels = (int) shape[axis];
        float[] scales = q.scales().clone();
        byte[] codes = codes(key, flat(w), shape, scales, axis);
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) (codes[i] + 128);
        }
        quantizedWeights++;
        dynamicLayers++;
        minWeightBits = Math.min(minWeightBits, q.bits());
        String[] xq = g.nodes("DynamicQuantizeLinear", name + "_x_q", 3, new String[] {x});
        String wq = g.uint8s(key + "_quantized", codes, shape);
        String wz = op.equals("ConvInteger") ? g.uint8s(key + "_zero_point", new byte[] {(byte) 128})
                : g.uint8s(key + "_zero_point", filledBytes(channels, (byte) 128), channels);
        String acc = g.node(op, name + "_int", new String[] {xq[0], wq, xq[2], wz}, attrs);
        String f = g.node("Cast", name + "_float", new String[] {acc}, OnnxGraph.integer("to",
                OnnxMl.TensorProto.DataType.FLOAT.getNumber()));
        String scale = g.node("Mul", name + "_scale", new String[] {xq[1], g.floats(key + "_scale", scales,
            scaleShape)});
        String y = g.node("Mul", b == null ? name : name + "_unbiased", new String[] {f, scale});
        return b == null ? y : g.node("Add", name, new String[] {y, g.floats(name + "_b", flat(b), scaleShape)});
    }

    /**
     * The int8 codes of weights {@code v} (shape {@code shape}) that are exactly {@code code · scales[channel]}, the
     * channel along {@code axis}.
     */
    private static byte[] codes(String key, float[] v, long[] shape, float[] scales, int axis) {
        int channels = (int) shape[axis];
        if (scales.length != channels) {
            throw new IllegalStateException(key + ": " + scales.length + " scales for " + channels + " channels");
        }
        long inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        byte[] codes = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            int c = (int) ((i / inner) % channels);
            int code = scales[c] == 0 ? 0 : Math.round(v[i] / scales[c]);
            if (code < -127 || code > 127 || code * scales[c] != v[i]) {
                throw new IllegalStateException(key + "[" + i + "] = " + v[i] + " is not a code of scale "
                        + scales[c]);
            }
            codes[i] = (byte) code;
        }
        return codes;
    }

    private static byte[] filledBytes(int n, byte v) {
        byte[] out = new byte[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    private String scalar(String name, float v) {
        return g.floats(name, new float[] {v});
    }

    private String activation(IActivation a, String x, String name) {
        if (a instanceof DynamicQuantizedActivation d) {
            String y = activation(d.base(), x, name);
            if (y.equals(x)) { // an identity: a name of its own, so that only this tensor is marked
                y = g.node("Identity", name, new String[] {x});
            }
            dynamicInputs.add(y);
            return y;
        }
        if (a instanceof QuantizedActivation q) {
            String y = activation(q.base(), x, name);
            Quantizer.Affine af = q.affine();
            if (af == null) {
                return y;
            }
            quantizedActivations++;
            minActivationBits = Math.min(minActivationBits, af.bits());
            int levels = (1 << af.bits()) - 1;
            if (af.bits() < 8) {
                y = g.node("Clip", name + "_clip", new String[] {y, scalar(name + "_lo", (float) af.value(0)),
                    scalar(name + "_hi", (float) af.value(levels))});
            }
            String scale = scalar(name + "_act_scale", (float) af.scale());
            String zero = g.uint8s(name + "_act_zero_point", new byte[] {(byte) af.zeroPoint()});
            String q8 = g.node("QuantizeLinear", name + "_q", new String[] {y, scale, zero});
            String dq = g.node("DequantizeLinear", name + "_dq", new String[] {q8, scale, zero});
            grid.put(dq, new String[] {scale, zero});
            return dq;
        }
        if (a == null || a instanceof ActivationIdentity) {
            return x;
        }
        if (a instanceof ActivationReLU r) {
            if (r.getThreshold() != null && r.getThreshold() != 0.0) {
                throw unsupported(name, a, "ReLU with a threshold");
            }
            String y = r.getNegativeSlope() != null && r.getNegativeSlope() != 0.0
                    ? g.node("LeakyRelu", name, new String[] {x},
                            OnnxGraph.real("alpha", r.getNegativeSlope().floatValue()))
                    : g.node("Relu", name, new String[] {x});
            if (r.getMax() != null) {
                y = g.node("Clip", name + "_max", new String[] {y, "", scalar(name + "_max_value",
                    r.getMax().floatValue())});
            }
            return y;
        }
        if (a instanceof ActivationLReLU r) {
            return g.node("LeakyRelu", name, new String[] {x}, OnnxGraph.real("alpha", (float) r.getAlpha()));
        }
        if (a instanceof ActivationELU e) {
            return g.node("Elu", name, new String[] {x}, OnnxGraph.real("alpha", (float) e.getAlpha()));
        }
        if (a instanceof ActivationTanH) {
            return g.node("Tanh", name, new String[] {x});
        }
        if (a instanceof ActivationSigmoid) {
            return g.node("Sigmoid", name, new String[] {x});
        }
        if (a instanceof ActivationSoftmax) {
            return g.node("Softmax", name, new String[] {x}, OnnxGraph.integer("axis", 1));
        }
        if (a instanceof ActivationSwish) {
            return g.node("Mul", name, new String[] {x, g.node("Sigmoid", name + "_sigmoid", new String[] {x})});
        }
        if (a instanceof ActivationGELU gelu) {
            if (!gelu.isPrecise()) { // ND4J's GELU: x · sigmoid(1.702 x)
                String s = g.node("Sigmoid", name + "_sigmoid", new String[] {
                    g.node("Mul", name + "_scaled", new String[] {x, scalar(name + "_k", 1.702f)})});
                return g.node("Mul", name, new String[] {x, s});
            }
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x³)))
            String x3 = g.node("Mul", name + "_x3", new String[] {g.node("Mul", name + "_x2", new String[] {x, x}),
                x});
            String inner = g.node("Mul", name + "_inner", new String[] {
                g.node("Add", name + "_sum", new String[] {x, g.node("Mul", name + "_cubic", new String[] {x3,
                    scalar(name + "_c", 0.044715f)})}), scalar(name + "_r", (float) Math.sqrt(2 / Math.PI))});
            String t = g.node("Tanh", name + "_tanh", new String[] {inner});
            String one = g.node("Add", name + "_one", new String[] {t, scalar(name + "_1", 1f)});
            return g.node("Mul", name, new String[] {g.node("Mul", name + "_half", new String[] {x,
                scalar(name + "_0.5", 0.5f)}), one});
        }
        throw unsupported(name, a, "no ONNX form for this activation");
    }
}
