package org.distill4j.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

/**
 * The layers whose output quantization-aware training and post-training quantization fake-quantize, so that the
 * exported QDQ model has a quantized tensor on both sides of every weight layer and ONNX Runtime can run it on integer
 * kernels:
 * <ul>
 * <li>every layer with an activation other than the identity, except the output layer, batch norm and dropout (whose
 * activation DL4J never applies);</li>
 * <li>with {@code linearOutputs}, also every layer with weights and an identity activation whose output goes on to
 * something other than an activation layer or batch norm (which quantize, or fold, in its place): in a residual
 * network the last convolution of each block and the projection shortcut, whose sum is then quantized by the ReLU
 * after it, so the add runs on integers and so do the convolutions before it; in a plain network a convolution
 * whose batch norm was folded into it and that feeds the next convolution.</li>
 * </ul>
 * Names are layer names as {@link Net#activationShapes} gives them. Layers already quantized are left out.
 */
public final class QuantizationPoints {
    private QuantizationPoints() {
    }

    public static Set<String> of(Net net, boolean linearOutputs) {
        String output = net.outputName();
        Map<String, Layer> layers = new java.util.LinkedHashMap<>();
        Map<String, List<Layer>> consumers = new HashMap<>();
        if (net.model() instanceof MultiLayerNetwork m) {
            List<org.deeplearning4j.nn.conf.NeuralNetConfiguration> confs = m.getLayerWiseConfigurations().getConfs();
            String previous = null;
            for (int i = 0; i < confs.size(); i++) {
                Layer l = confs.get(i).getLayer();
                String name = WeightLayers.layerName(l, i);
                layers.put(name, l);
                if (previous != null) {
                    consumers.computeIfAbsent(previous, k -> new ArrayList<>()).add(l);
                }
                previous = name;
            }
        } else {
            ComputationGraphConfiguration conf = ((ComputationGraph) net.model()).getConfiguration();
            for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
                if (e.getValue() instanceof LayerVertex lv) {
                    layers.put(e.getKey(), lv.getLayerConf().getLayer());
                }
            }
            conf.getVertexInputs().forEach((v, ins) -> {
                GraphVertex gv = conf.getVertices().get(v);
                Layer consumer = gv instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
                ins.forEach(in -> consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(consumer));
            });
        }
        Set<String> out = new LinkedHashSet<>();
        layers.forEach((name, l) -> {
            if (name.equals(output) || !eligible(l)) {
                return;
            }
            if (!(activation(l) instanceof ActivationIdentity)) {
                out.add(name);
            } else if (linearOutputs && l instanceof BaseLayer && !(l instanceof ActivationLayer)
                    && consumers.getOrDefault(name, List.of()).stream().anyMatch(c -> !quantizesInPlace(c))) {
                out.add(name);
            }
        });
        return out;
    }

    /** A layer after which quantizing the output before it would be redundant: an activation or a batch norm. */
    private static boolean quantizesInPlace(Layer consumer) {
        return consumer instanceof ActivationLayer || consumer instanceof BatchNormalization;
    }

    private static IActivation activation(Layer l) {
        return l instanceof BaseLayer b ? b.getActivationFn()
                : l instanceof ActivationLayer al ? al.getActivationFn() : null;
    }

    private static boolean eligible(Layer l) {
        if (l instanceof BatchNormalization || l instanceof DropoutLayer) {
            return false;
        }
        IActivation a = activation(l);
        return a != null && !(a instanceof QuantizedActivation);
    }
}
