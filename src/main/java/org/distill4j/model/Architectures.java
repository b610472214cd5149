package org.distill4j.model;

import java.util.List;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.distill4j.config.Activation;
import org.distill4j.config.ArchSpec;
import org.distill4j.config.LayerSpec;
import org.distill4j.loss.SoftmaxCrossEntropyLoss;
import org.distill4j.config.ConfigException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The builders of the built-in architectures ({@link MlpSpec}, {@link LeNet5Spec}, {@link ResNetSpec},
 * {@link LayersSpec}). Every network ends in a dense layer with identity activation (it outputs logits) trained with
 * {@link SoftmaxCrossEntropyLoss}; weights use He initialization (fan-in, ReLU gain), biases zero, BatchNorm decay 0.9
 * and eps 1e-5 — the same as the PyTorch reference in {@code shared/bench}.
 */
public final class Architectures {
    /** Input images: channels × height × width, fed as flat rows [n, c·h·w]. */
    public record InputShape(int channels, int height, int width) {
        public int flat() {
            return channels * height * width;
        }

        public InputType type() {
            return InputType.convolutionalFlat(height, width, channels);
        }
    }

    private Architectures() {
    }

    /**
     * The network {@code spec} describes. A spec that cannot build itself (not an {@link Architecture}) is a config
     * error at {@code path}.
     */
    public static Net build(ArchSpec spec, String path, InputShape input, int numClasses, long seed) {
        OneDnn.configure();
        if (!(spec instanceof Architecture a)) {
            throw new ConfigException(path, "architecture '" + spec.arch() + "' cannot build a network");
        }
        return a.build(input, numClasses, seed);
    }

    /** Bytes per parameter while training: the weight, its gradient and Adam's two moments, float32. */
    static final long TRAINING_BYTES_PER_PARAM = 16;

    /**
     * Refuses, before anything is allocated, a network whose parameters alone cannot fit the memory the JVM may use
     * ({@code -Dorg.bytedeco.javacpp.maxphysicalbytes}, which {@code DISTILL4J_JAVA_OPTS} sets). Activations come on
     * top: {@link #checkBatchFits} checks them for each stage's batch once the network is built.
     */
    static void checkFits(long params) {
        refuseAbove(params * TRAINING_BYTES_PER_PARAM, gib -> String.format(java.util.Locale.ROOT, "the network has "
                + "%,d parameters, which need about %.1f GiB to train (weights, gradients, Adam state)", params, gib),
                "make it smaller");
    }

    /**
     * The bytes this JVM may use for arrays: javacpp's limit on the process's resident memory ({@code
     * -Dorg.bytedeco.javacpp.maxphysicalbytes}), else its limit on native allocations; 0 when unlimited.
     */
    public static long memoryLimit() {
        long limit = org.bytedeco.javacpp.Pointer.maxPhysicalBytes();
        return limit > 0 ? limit : Math.max(0, org.bytedeco.javacpp.Pointer.maxBytes());
    }

    /**
     * Refuses a batch that cannot fit the memory this JVM may use: {@code need} bytes (the network's memory
     * estimate, {@link Net#memoryBytes}) for {@code what} ("the student to train on batches of 512").
     */
    public static void checkBatchFits(long need, String what) {
        refuseAbove(need, gib -> String.format(java.util.Locale.ROOT, "%s needs about %.1f GiB (DL4J's memory "
                + "estimate: weights, activations, gradients, updater state)", what, gib), "use a smaller batch_size");
    }

    /**
     * Throws a {@link TooLargeException} when {@code need} bytes exceed {@link #memoryLimit}: {@code claim} of the
     * need in GiB, the limit and the JVM option that sets it, then {@code advice}.
     */
    private static void refuseAbove(long need, java.util.function.DoubleFunction<String> claim, String advice) {
        long limit = memoryLimit();
        if (limit > 0 && need > limit) {
            throw new TooLargeException(claim.apply(need / 1073741824.0) + String.format(java.util.Locale.ROOT,
                    ", more than the %.1f GiB this JVM may use (DISTILL4J_JAVA_OPTS "
                            + "-Dorg.bytedeco.javacpp.maxphysicalbytes); %s", limit / 1073741824.0, advice));
        }
    }

    /** A network too large to build with the memory this JVM may use (a config problem: make it smaller). */
    public static final class TooLargeException extends RuntimeException {
        TooLargeException(String message) {
            super(message);
        }
    }

    static org.nd4j.linalg.activations.Activation dl4j(Activation a) {
        return switch (a) {
            case RELU -> org.nd4j.linalg.activations.Activation.RELU;
            case LEAKYRELU -> org.nd4j.linalg.activations.Activation.LEAKYRELU;
            case TANH -> org.nd4j.linalg.activations.Activation.TANH;
            case SIGMOID -> org.nd4j.linalg.activations.Activation.SIGMOID;
            case ELU -> org.nd4j.linalg.activations.Activation.ELU;
            case GELU -> org.nd4j.linalg.activations.Activation.GELU;
            case SWISH -> org.nd4j.linalg.activations.Activation.SWISH;
            case IDENTITY -> org.nd4j.linalg.activations.Activation.IDENTITY;
        };
    }

    private static NeuralNetConfiguration.Builder base(long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(new Adam(1e-3))
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
    }

    private static OutputLayer output(int numClasses, double dropout) {
        OutputLayer.Builder b = new OutputLayer.Builder(new SoftmaxCrossEntropyLoss()).name("output").nOut(numClasses)
                .activation(org.nd4j.linalg.activations.Activation.IDENTITY);
        if (dropout > 0) {
            b.dropOut(1.0 - dropout);
        }
        return b.build();
    }

    private static Net mln(NeuralNetConfiguration.ListBuilder list, InputShape in) {
        MultiLayerConfiguration conf = list.setInputType(in.type()).build();
        long params = 0;
        for (NeuralNetConfiguration c : conf.getConfs()) {
            params += c.getLayer().initializer().numParams(c);
        }
        checkFits(params);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return new Net(net);
    }

    /**
     * Dense layers; dropout (drop probability p) is applied after each hidden activation. DL4J's dropOut takes the
     * retain probability, applied to a layer's input.
     */
    static Net mlp(MlpSpec s, InputShape in, int k, long seed) {
        NeuralNetConfiguration.ListBuilder list = base(seed).list();
        List<Integer> hidden = s.hidden();
        for (int i = 0; i < hidden.size(); i++) {
            DenseLayer.Builder b = new DenseLayer.Builder().name("dense" + (i + 1)).nOut(hidden.get(i))
                    .activation(dl4j(s.activation()));
            if (i > 0 && s.dropout() > 0) {
                b.dropOut(1.0 - s.dropout());
            }
            list.layer(b.build());
        }
        list.layer(output(k, s.dropout()));
        return mln(list, in);
    }

    static Net lenet5(LeNet5Spec s, InputShape in, int k, long seed) {
        org.nd4j.linalg.activations.Activation act = dl4j(s.activation());
        NeuralNetConfiguration.ListBuilder list = base(seed).list()
                .layer(new ConvolutionLayer.Builder(5, 5).name("conv1").nOut(6).convolutionMode(ConvolutionMode.Same)
                        .activation(act).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).name("pool1").kernelSize(2, 2)
                        .stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).name("conv2").nOut(16)
                        .convolutionMode(ConvolutionMode.Truncate).activation(act).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).name("pool2").kernelSize(2, 2)
                        .stride(2, 2).build())
                .layer(new DenseLayer.Builder().name("dense1").nOut(120).activation(act).build())
                .layer(new DenseLayer.Builder().name("dense2").nOut(84).activation(act).build())
                .layer(output(k, 0));
        return mln(list, in);
    }

    static Net layers(LayersSpec s, InputShape in, int k, long seed) {
        NeuralNetConfiguration.ListBuilder list = base(seed).list();
        for (LayerSpec l : s.layers()) {
            list.layer(switch (l.type()) {
                case DENSE -> new DenseLayer.Builder().nOut(l.units()).activation(dl4j(l.activation())).build();
                case CONV -> new ConvolutionLayer.Builder(l.kernel(), l.kernel()).stride(l.stride(), l.stride())
                        .nOut(l.filters())
                        .convolutionMode(l.padding() == LayerSpec.Padding.SAME ? ConvolutionMode.Same
                                : ConvolutionMode.Truncate)
                        .activation(dl4j(l.activation())).build();
                case POOL -> new SubsamplingLayer.Builder(
                                l.pool() == LayerSpec.PoolKind.MAX ? PoolingType.MAX : PoolingType.AVG)
                        .kernelSize(l.kernel(), l.kernel()).stride(l.stride(), l.stride()).build();
                case GLOBAL_POOL -> new GlobalPoolingLayer.Builder(
                        l.pool() == LayerSpec.PoolKind.MAX ? PoolingType.MAX : PoolingType.AVG).build();
                case BATCHNORM -> new BatchNormalization.Builder().decay(0.9).eps(1e-5).build();
                case DROPOUT -> new DropoutLayer.Builder(1.0 - l.rate()).build();
            });
        }
        list.layer(output(k, 0));
        return mln(list, in);
    }

    /** CIFAR-style ResNet (He et al. 2016, section 4.2) with 1x1 projection shortcuts, as in the PyTorch reference. */
    static Net resnet(ResNetSpec s, InputShape in, int k, long seed) {
        ComputationGraphConfiguration.GraphBuilder g = base(seed).graphBuilder().addInputs("input")
                .setInputTypes(in.type());
        int w = s.width();
        String last = convBn(g, "stem", "input", w, 3, 1, true);
        int cin = w;
        int[] widths = {w, 2 * w, 4 * w};
        for (int group = 0; group < 3; group++) {
            for (int b = 0; b < s.blocksPerGroup(); b++) {
                int stride = group > 0 && b == 0 ? 2 : 1;
                String p = "g" + (group + 1) + "b" + (b + 1);
                int cout = widths[group];
                String x = convBn(g, p + "_1", last, cout, 3, stride, true);
                x = convBn(g, p + "_2", x, cout, 3, 1, false);
                String shortcut = last;
                if (stride != 1 || cin != cout) {
                    shortcut = convBn(g, p + "_proj", last, cout, 1, stride, false);
                }
                g.addVertex(p + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), x, shortcut);
                g.addLayer(p + "_relu", new ActivationLayer(org.nd4j.linalg.activations.Activation.RELU), p + "_add");
                last = p + "_relu";
                cin = cout;
            }
        }
        g.addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last);
        g.addLayer("fc", output(k, 0), "gap");
        g.setOutputs("fc");
        ComputationGraphConfiguration conf = g.build();
        long params = 0;
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv) {
                params += lv.getLayerConf().getLayer().initializer().numParams(lv.getLayerConf());
            }
        }
        checkFits(params);
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return new Net(net);
    }

    private static String convBn(ComputationGraphConfiguration.GraphBuilder g, String name, String input, int nOut,
            int kernel, int stride, boolean relu) {
        g.addLayer(name + "_conv", new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(nOut)
                .hasBias(false).convolutionMode(ConvolutionMode.Same)
                .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), input);
        g.addLayer(name + "_bn", new BatchNormalization.Builder().decay(0.9).eps(1e-5).build(), name + "_conv");
        if (!relu) {
            return name + "_bn";
        }
        g.addLayer(name + "_relu", new ActivationLayer(org.nd4j.linalg.activations.Activation.RELU), name + "_bn");
        return name + "_relu";
    }
}
