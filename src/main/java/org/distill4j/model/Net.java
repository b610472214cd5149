package org.distill4j.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.distill4j.config.ConfigException;
import org.distill4j.config.InputException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A network that maps a batch of inputs to class logits: a DL4J {@link MultiLayerNetwork} or
 * {@link ComputationGraph} behind one small interface, so stages do not care which.
 */
public final class Net {
    private final Model model;

    public Net(Model model) {
        if (!(model instanceof MultiLayerNetwork) && !(model instanceof ComputationGraph)) {
            throw new IllegalArgumentException("unsupported model type " + model.getClass().getName());
        }
        this.model = model;
    }

    public Model model() {
        return model;
    }

    public boolean isGraph() {
        return model instanceof ComputationGraph;
    }

    /** One optimizer step on one batch. */
    public void fit(DataSet batch) {
        if (model instanceof MultiLayerNetwork m) {
            m.fit(batch);
        } else {
            ((ComputationGraph) model).fit(batch);
        }
    }

    /**
     * One optimizer step on one batch with a label array per output: the logits' first, then those of any feature
     * branches ({@link FeatureBranches}).
     */
    public void fit(INDArray features, INDArray[] labels) {
        if (model instanceof MultiLayerNetwork m) {
            if (labels.length != 1) {
                throw new IllegalArgumentException("a layer-list network has one output, got " + labels.length
                        + " label arrays");
            }
            m.fit(features, labels[0]);
        } else {
            ((ComputationGraph) model).fit(new INDArray[] {features}, labels);
        }
    }

    /**
     * Logits for {@code features}, in inference mode (dropout off, BatchNorm global statistics). In a graph with
     * feature branches, only the logits (its first output) are computed.
     */
    public INDArray output(INDArray features) {
        if (model instanceof MultiLayerNetwork m) {
            return m.output(features, false);
        }
        ComputationGraph g = (ComputationGraph) model;
        List<String> outputs = g.getConfiguration().getNetworkOutputs();
        if (outputs.size() == 1) {
            return g.outputSingle(false, features);
        }
        return g.output(List.of(outputs.get(0)), false, new INDArray[] {features}, null)[0];
    }

    /**
     * The activation shape of every layer (and graph vertex) for {@code input} images, by the name the model summary
     * gives it, without the batch: {@code [channels, height, width]} for feature maps, {@code [features]} otherwise.
     */
    public java.util.Map<String, long[]> activationShapes(Architectures.InputShape input) {
        java.util.Map<String, long[]> out = new java.util.LinkedHashMap<>();
        if (model instanceof MultiLayerNetwork m) {
            MultiLayerConfiguration conf = m.getLayerWiseConfigurations();
            List<org.deeplearning4j.nn.conf.inputs.InputType> types = conf.getLayerActivationTypes(input.type());
            for (int i = 0; i < types.size(); i++) {
                putShape(out, WeightLayers.layerName(conf.getConf(i).getLayer(), i), types.get(i));
            }
        } else {
            ComputationGraphConfiguration conf = ((ComputationGraph) model).getConfiguration();
            var types = conf.getLayerActivationTypes(input.type());
            for (String name : conf.getTopologicalOrderStr()) {
                if (!conf.getNetworkInputs().contains(name) && types.get(name) != null) {
                    putShape(out, name, types.get(name));
                }
            }
        }
        return out;
    }

    private static void putShape(java.util.Map<String, long[]> out, String name,
                                 org.deeplearning4j.nn.conf.inputs.InputType t) {
        long[] shape = t.getShape(false);
        if (t instanceof org.deeplearning4j.nn.conf.inputs.InputType.InputTypeConvolutionalFlat f) {
            shape = new long[] {f.getDepth(), f.getHeight(), f.getWidth()};
        }
        out.put(name, shape);
    }

    /** The name of the layer that gives the logits (the first output of a graph). */
    public String outputName() {
        if (model instanceof MultiLayerNetwork m) {
            int last = m.getnLayers() - 1;
            return WeightLayers.layerName(m.getLayerWiseConfigurations().getConf(last).getLayer(), last);
        }
        return ((ComputationGraph) model).getConfiguration().getNetworkOutputs().get(0);
    }

    /**
     * The activations of the named layers (names as {@link #activationShapes} gives them) for {@code features}, in
     * inference mode, from one forward pass.
     */
    public java.util.Map<String, INDArray> activations(INDArray features, java.util.Collection<String> layers) {
        java.util.Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        if (model instanceof MultiLayerNetwork m) {
            List<INDArray> acts = m.feedForward(features, false); // [input, layer 0, layer 1, ...]
            List<NeuralNetConfiguration> confs = m.getLayerWiseConfigurations().getConfs();
            for (int i = 0; i < confs.size(); i++) {
                String name = WeightLayers.layerName(confs.get(i).getLayer(), i);
                if (layers.contains(name)) {
                    out.put(name, acts.get(i + 1));
                }
            }
        } else {
            java.util.Map<String, INDArray> acts = ((ComputationGraph) model).feedForward(features, false);
            for (String name : layers) {
                if (acts.containsKey(name)) {
                    out.put(name, acts.get(name));
                }
            }
        }
        for (String name : layers) {
            if (!out.containsKey(name)) {
                throw new IllegalArgumentException("no layer '" + name + "'");
            }
        }
        return out;
    }

    /**
     * Checks, with one forward pass of a blank image, that this network takes {@code input} images and gives one
     * logit per class; a one-line {@link ConfigException} at {@code path} ({@code teacher.load}) otherwise.
     */
    public void checkFits(Architectures.InputShape input, int numClasses, String path) {
        INDArray out;
        try {
            out = output(Nd4j.zeros(DataType.FLOAT, 1, input.flat()));
        } catch (RuntimeException e) {
            throw new ConfigException(path, "the model cannot take the dataset's " + input.channels() + "x"
                    + input.height() + "x" + input.width() + " images (" + input.flat() + " inputs): "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (out.rank() != 2 || out.size(1) != numClasses) {
            throw new ConfigException(path, "the model outputs " + (out.rank() == 2 ? out.size(1) + " classes"
                    : "an array of shape " + java.util.Arrays.toString(out.shape())) + ", the dataset has "
                    + numClasses);
        }
    }

    /**
     * DL4J's estimate of the memory, in bytes, for passing {@code batch} rows of {@code input} through this network:
     * its parameters plus, in training, gradients, updater state, activations and their gradients and work space;
     * in inference, the activations of one forward pass. ({@code NetworkMemoryReport}, float32, no layer cache.)
     */
    public long memoryBytes(Architectures.InputShape input, int batch, boolean training) {
        org.deeplearning4j.nn.conf.memory.NetworkMemoryReport report = model instanceof MultiLayerNetwork m
                ? m.getLayerWiseConfigurations().getMemoryReport(input.type())
                : ((ComputationGraph) model).getConfiguration().getMemoryReport(input.type());
        return report.getTotalMemoryBytes(batch, training ? org.deeplearning4j.nn.conf.memory.MemoryUseMode.TRAINING
                : org.deeplearning4j.nn.conf.memory.MemoryUseMode.INFERENCE,
                org.deeplearning4j.nn.conf.CacheMode.NONE, DataType.FLOAT);
    }

    /** The loss of the last fitted batch. */
    public double score() {
        return model.score();
    }

    public long numParams() {
        return model.numParams();
    }

    public INDArray params() {
        return model.params();
    }

    /** The layer configurations (in order for a MultiLayerNetwork, topological for a graph). */
    public List<Layer> layerConfs() {
        return layerConfs(model);
    }

    private static List<Layer> layerConfs(Model model) {
        List<Layer> out = new ArrayList<>();
        if (model instanceof MultiLayerNetwork m) {
            for (NeuralNetConfiguration c : m.getLayerWiseConfigurations().getConfs()) {
                out.add(c.getLayer());
            }
        } else {
            ComputationGraphConfiguration conf = ((ComputationGraph) model).getConfiguration();
            for (String name : conf.getTopologicalOrderStr()) {
                GraphVertex v = conf.getVertices().get(name);
                if (v instanceof LayerVertex lv) {
                    out.add(lv.getLayerConf().getLayer());
                }
            }
        }
        return out;
    }

    /** The loss function of the output layer. */
    public ILossFunction loss() {
        for (Layer l : layerConfs()) {
            if (l instanceof BaseOutputLayer o) {
                return o.getLossFn();
            }
        }
        throw new IllegalStateException("network has no output layer");
    }

    /**
     * A new network with the same weights (and BatchNorm statistics), set up for a new training stage: this
     * loss on the output layer, this updater on every layer, decoupled weight decay on weights only (not
     * biases, not BatchNorm), and the iteration counter at zero so the stage's schedule starts from its
     * beginning. Optimizer state starts fresh.
     */
    public Net forTraining(ILossFunction loss, IUpdater updater, List<Regularization> weightDecay) {
        Model copy;
        if (model instanceof MultiLayerNetwork m) {
            MultiLayerConfiguration conf = m.getLayerWiseConfigurations().clone();
            conf.setIterationCount(0);
            conf.setEpochCount(0);
            for (NeuralNetConfiguration c : conf.getConfs()) {
                configure(c.getLayer(), loss, updater, weightDecay);
            }
            MultiLayerNetwork n = new MultiLayerNetwork(conf);
            n.init(m.params().dup(), false);
            copy = n;
        } else {
            ComputationGraph g = (ComputationGraph) model;
            ComputationGraphConfiguration conf = g.getConfiguration().clone();
            conf.setIterationCount(0);
            conf.setEpochCount(0);
            for (GraphVertex v : conf.getVertices().values()) {
                if (v instanceof LayerVertex lv) {
                    configure(lv.getLayerConf().getLayer(), loss, updater, weightDecay);
                }
            }
            ComputationGraph n = new ComputationGraph(conf);
            n.init(g.params().dup(), false);
            copy = n;
        }
        return new Net(copy);
    }

    /** The activation function of every layer that has one, by layer name (the live objects, not copies). */
    public java.util.Map<String, org.nd4j.linalg.activations.IActivation> activations() {
        java.util.Map<String, org.nd4j.linalg.activations.IActivation> out = new java.util.LinkedHashMap<>();
        BiFunction<String, IActivation, IActivation> collect = (n, a) -> {
            out.put(n, a);
            return a;
        };
        if (model instanceof MultiLayerNetwork m) {
            List<NeuralNetConfiguration> confs = m.getLayerWiseConfigurations().getConfs();
            for (int i = 0; i < confs.size(); i++) {
                Layer l = confs.get(i).getLayer();
                mapActivation(l, WeightLayers.layerName(l, i), collect);
            }
        } else {
            ComputationGraphConfiguration conf = ((ComputationGraph) model).getConfiguration();
            for (String name : conf.getTopologicalOrderStr()) {
                if (conf.getVertices().get(name) instanceof LayerVertex lv) {
                    mapActivation(lv.getLayerConf().getLayer(), name, collect);
                }
            }
        }
        return out;
    }

    /**
     * A new network with the same parameters in which every layer's activation function {@code a} is replaced by
     * {@code f.apply(layerName, a)} (return {@code a} to keep it). Optimizer state is not carried over.
     */
    public Net mapActivations(BiFunction<String, IActivation, IActivation> f) {
        if (model instanceof MultiLayerNetwork m) {
            MultiLayerConfiguration conf = m.getLayerWiseConfigurations().clone();
            List<NeuralNetConfiguration> confs = conf.getConfs();
            for (int i = 0; i < confs.size(); i++) {
                Layer l = confs.get(i).getLayer();
                mapActivation(l, WeightLayers.layerName(l, i), f);
            }
            MultiLayerNetwork n = new MultiLayerNetwork(conf);
            n.init(m.params().dup(), false);
            return new Net(n);
        }
        ComputationGraph g = (ComputationGraph) model;
        ComputationGraphConfiguration conf = g.getConfiguration().clone();
        for (java.util.Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex lv) {
                mapActivation(lv.getLayerConf().getLayer(), e.getKey(), f);
            }
        }
        ComputationGraph n = new ComputationGraph(conf);
        n.init(g.params().dup(), false);
        return new Net(n);
    }

    private static void mapActivation(Layer l, String name,
                                      BiFunction<String, IActivation, IActivation> f) {
        if (l instanceof BaseLayer b && b.getActivationFn() != null) {
            b.setActivationFn(f.apply(name, b.getActivationFn()));
        } else if (l instanceof org.deeplearning4j.nn.conf.layers.ActivationLayer a && a.getActivationFn() != null) {
            a.setActivationFn(f.apply(name, a.getActivationFn()));
        }
    }

    private static void configure(Layer layer, ILossFunction loss, IUpdater updater, List<Regularization> weightDecay) {
        if (layer instanceof BaseLayer b) {
            b.setIUpdater(updater.clone());
            b.setBiasUpdater(null);
            b.setRegularization(layer instanceof BatchNormalization ? new ArrayList<>() : new ArrayList<>(weightDecay));
            b.setRegularizationBias(new ArrayList<>());
        }
        if (layer instanceof BaseOutputLayer o) {
            o.setLossFn(loss);
        }
    }

    /** Writes the model zip (configuration and weights; no optimizer state) to {@code file}. */
    public void save(Path file) throws IOException {
        ModelSerializer.writeModel(model, file.toFile(), false);
    }

    /**
     * Writes a training checkpoint: configuration (iteration and epoch counters included), weights and optimizer state.
     */
    public void saveCheckpoint(Path file) throws IOException {
        ModelSerializer.writeModel(model, file.toFile(), true);
    }

    /**
     * Reads a checkpoint written by {@link #saveCheckpoint}, optimizer state included, as a network
     * of the same kind as this one.
     */
    public Net loadCheckpoint(Path file) throws IOException {
        return new Net(isGraph() ? ModelSerializer.restoreComputationGraph(file.toFile(), true)
                : ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true));
    }

    /**
     * Loads a DL4J model zip written by {@link #save} (or by DL4J's ModelSerializer), or a compact {@code .d4jc} file.
     * A file that is not one is an {@link InputException} of kind model-file, one line naming the file and what is
     * wrong with it: not a zip, no or an invalid {@code configuration.json}, no {@code coefficients.bin}.
     */
    public static Net load(Path file) {
        if (Files.isDirectory(file)) {
            throw notAModel(file, "it is a directory", null);
        }
        if (!Files.isRegularFile(file)) {
            throw new InputException(InputException.Kind.MODEL_FILE, "model file not found: " + file);
        }
        if (CompactModel.isCompact(file)) {
            return CompactModel.read(file);
        }
        OneDnn.configure();
        boolean graph;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            var entry = zip.getEntry("configuration.json");
            if (entry == null) {
                throw notAModel(file, "configuration.json is missing", null);
            }
            String json;
            try (InputStream in = zip.getInputStream(entry)) {
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            graph = json.contains("\"vertices\"");
            checkConfiguration(file, json, graph);
            if (zip.getEntry("coefficients.bin") == null) {
                throw notAModel(file, "coefficients.bin (the weights) is missing", null);
            }
        } catch (java.util.zip.ZipException e) {
            throw notAModel(file, "not a zip file (" + firstLine(e) + ")", e);
        } catch (IOException e) {
            throw new InputException(InputException.Kind.MODEL_FILE, "cannot read model " + file + ": "
                    + firstLine(e), e);
        }
        try {
            return new Net(graph ? ModelSerializer.restoreComputationGraph(file.toFile(), false)
                    : ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false));
        } catch (RuntimeException | IOException e) {
            throw new InputException(InputException.Kind.MODEL_FILE, "cannot load model " + file + ": "
                    + firstLine(e), e);
        }
    }

    /** Parses a model zip's {@code configuration.json} as DL4J would, failing when it is not a network's. */
    private static void checkConfiguration(Path file, String json, boolean graph) {
        String problem;
        RuntimeException cause = null;
        try {
            if (graph) {
                var c = ComputationGraphConfiguration.fromJson(json);
                problem = c.getVertices() == null || c.getVertices().isEmpty() ? "it describes no network" : null;
            } else {
                var c = MultiLayerConfiguration.fromJson(json);
                problem = c.getConfs() == null || c.getConfs().isEmpty() ? "it describes no network" : null;
            }
        } catch (NullPointerException e) {
            problem = "it describes no network";  // DL4J's reader assumes the keys it needs are there
            cause = e;
        } catch (RuntimeException e) {
            problem = firstLine(e);
            cause = e;
        }
        if (problem != null) {
            throw notAModel(file, "configuration.json is missing or invalid (" + problem + ")", cause);
        }
    }

    private static InputException notAModel(Path file, String why, Throwable cause) {
        return new InputException(InputException.Kind.MODEL_FILE, file + " is not a DL4J model: " + why, cause);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return m.lines().findFirst().orElse("").strip();
    }
}
