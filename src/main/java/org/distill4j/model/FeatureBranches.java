package org.distill4j.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The training graph of a distill stage with feature losses: the student, plus per feature term a branch from one of
 * its layers — an optional regressor (1x1 convolution on feature maps, dense layer otherwise, no activation) and a
 * loss layer on the flattened result — as extra outputs after the logits. {@link #attach} builds it with the
 * student's weights; {@link #detach} copies the trained student's weights back into a network of the student's own
 * shape, leaving the branches behind. A layer-list student becomes a graph whose vertices carry its layers' names.
 */
public final class FeatureBranches {
    private static final String INPUT = "input";

    private FeatureBranches() {
    }

    /**
     * One branch: from the student's layer {@code layer} of activation shape {@code shape} ([c, h, w] or [d]), through
     * a regressor to {@code regressorOut} channels or features (0: none), into a loss layer with {@code loss}.
     */
    public record Branch(String layer, long[] shape, int regressorOut, ILossFunction loss) {
    }

    /** The student with {@code branches}; new layers initialised from {@code seed}, the student's weights kept. */
    public static Net attach(Net student, List<Branch> branches, long seed) {
        ComputationGraphConfiguration.GraphBuilder g;
        List<String> outputs = new ArrayList<>();
        if (student.model() instanceof MultiLayerNetwork m) {
            MultiLayerConfiguration conf = m.getLayerWiseConfigurations();
            g = new NeuralNetConfiguration.Builder().seed(seed).dataType(conf.getDataType()).graphBuilder()
                    .addInputs(INPUT);
            String last = INPUT;
            for (int i = 0; i < conf.getConfs().size(); i++) {
                Layer l = conf.getConf(i).getLayer().clone();
                String name = WeightLayers.layerName(l, i);
                g.addLayer(name, l, conf.getInputPreProcess(i), last);
                last = name;
            }
            outputs.add(last);
        } else {
            ComputationGraphConfiguration conf = ((ComputationGraph) student.model()).getConfiguration().clone();
            NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder(
                    conf.getDefaultConfiguration().clone()).seed(seed);
            g = new ComputationGraphConfiguration.GraphBuilder(conf, global);
            outputs.addAll(conf.getNetworkOutputs());
        }
        for (int i = 0; i < branches.size(); i++) {
            Branch b = branches.get(i);
            boolean maps = b.shape().length == 3;
            String from = b.layer();
            long width = b.shape()[0];
            if (b.regressorOut() > 0) {
                String regressor = "feature" + i + "_regressor";
                Layer r = maps
                        ? new ConvolutionLayer.Builder(1, 1).nIn(b.shape()[0]).nOut(b.regressorOut())
                        .activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER).build()
                        : new DenseLayer.Builder().nIn(b.shape()[0]).nOut(b.regressorOut())
                        .activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER).build();
                g.addLayer(regressor, r, from);
                from = regressor;
                width = b.regressorOut();
            }
            InputPreProcessor flatten = maps ? new CnnToFeedForwardPreProcessor(b.shape()[1], b.shape()[2], width)
                    : null;
            String loss = "feature" + i + "_loss";
            g.addLayer(loss, new LossLayer.Builder().lossFunction(b.loss()).activation(Activation.IDENTITY).build(),
                    flatten, from);
            outputs.add(loss);
        }
        g.setOutputs(outputs.toArray(String[]::new));
        ComputationGraph graph = new ComputationGraph(g.build());
        graph.init();
        copyStudent(student, graph, true);
        return new Net(graph);
    }

    /**
     * A copy of {@code like} (the student's own shape and configuration) holding the student weights of
     * {@code trained} (a graph from {@link #attach}).
     */
    public static Net detach(Net trained, Net like) {
        Net out = like.mapActivations((name, a) -> a); // a copy
        copyStudent(out, (ComputationGraph) trained.model(), false);
        return out;
    }

    /** Copies each student layer's parameters (BatchNorm statistics included) between the student and the graph. */
    private static void copyStudent(Net student, ComputationGraph graph, boolean intoGraph) {
        if (student.model() instanceof MultiLayerNetwork m) {
            for (int i = 0; i < m.getnLayers(); i++) {
                String name = WeightLayers.layerName(m.getLayerWiseConfigurations().getConf(i).getLayer(), i);
                copy(m.getLayer(i), graph.getLayer(name), intoGraph);
            }
        } else {
            for (org.deeplearning4j.nn.api.Layer l : ((ComputationGraph) student.model()).getLayers()) {
                copy(l, graph.getLayer(l.conf().getLayer().getLayerName()), intoGraph);
            }
        }
    }

    private static void copy(org.deeplearning4j.nn.api.Layer studentLayer, org.deeplearning4j.nn.api.Layer graphLayer,
                             boolean intoGraph) {
        if (studentLayer.numParams() == 0) {
            return;
        }
        if (intoGraph) {
            graphLayer.params().assign(studentLayer.params());
        } else {
            studentLayer.params().assign(graphLayer.params());
        }
    }
}
