package org.distill4j.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.distill4j.config.ConfigException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The weight matrices of a network that compression works on — convolution kernels, dense and output layer
 * weights — with their layer name, kind and output-channel layout. Biases and BatchNorm parameters are not
 * weight layers.
 */
public final class WeightLayers {
    private WeightLayers() {
    }

    /** What a weight belongs to; its YAML name is used by {@code skip:} and the per-type settings. */
    public enum Kind { CONV, DENSE, OUTPUT;

        public String yaml() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One weight parameter: its key in the parameter table, its layer's name, kind, shape, and number of output
     * channels (conv: filters, dense/output: units). {@code first} marks the network's first convolution.
     */
    public record WeightLayer(String key, String layer, Kind kind, long[] shape, int channels, boolean firstConv) {
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** The weights as row-major [channels, fan-in] rows: one row per output channel. */
        public float[] rows(Net net) {
            return rowsOf(param(net));
        }

        /**
         * An array shaped like this weight (a mask) in the same row-major [channels, fan-in] layout as {@link #rows}.
         */
        public float[] rowsOf(INDArray a) {
            return (kind == Kind.CONV ? a.dup('c') : a.transpose().dup('c')).data().asFloat();
        }

        /** Writes row-major [channels, fan-in] rows back into the network's weights. */
        public void setRows(Net net, float[] rows) {
            INDArray w = param(net);
            if (kind == Kind.CONV) {
                w.assign(Nd4j.create(rows, w.shape(), 'c'));
            } else {
                w.assign(Nd4j.create(rows, new long[] {w.size(1), w.size(0)}, 'c').transpose());
            }
        }

        public INDArray param(Net net) {
            INDArray w = net.model().paramTable().get(key);
            if (w == null) {
                throw new IllegalStateException("no parameter " + key);
            }
            return w;
        }
    }

    /** A layer's name: its configured name, else {@code layer<index>} (its position in a layer-list network). */
    public static String layerName(Layer l, int index) {
        return l.getLayerName() == null ? "layer" + index : l.getLayerName();
    }

    /**
     * The weight-layer kind of a layer configuration, or null for layers without a weight matrix compression works on.
     */
    public static Kind kindOf(Layer l) {
        if (l instanceof BaseOutputLayer) {
            return Kind.OUTPUT;
        }
        if (l != null && l.getClass() == ConvolutionLayer.class) {
            return Kind.CONV;
        }
        return l instanceof DenseLayer ? Kind.DENSE : null;
    }

    /** The weight layers of {@code net}, in network (topological) order. */
    public static List<WeightLayer> of(Net net) {
        List<String> names = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Layer> confs = new ArrayList<>();
        if (net.model() instanceof MultiLayerNetwork m) {
            List<NeuralNetConfiguration> c = m.getLayerWiseConfigurations().getConfs();
            for (int i = 0; i < c.size(); i++) {
                Layer l = c.get(i).getLayer();
                names.add(layerName(l, i));
                keys.add(i + "_W");
                confs.add(l);
            }
        } else {
            ComputationGraphConfiguration conf = ((ComputationGraph) net.model()).getConfiguration();
            for (String name : conf.getTopologicalOrderStr()) {
                GraphVertex v = conf.getVertices().get(name);
                if (v instanceof LayerVertex lv) {
                    names.add(name);
                    keys.add(name + "_W");
                    confs.add(lv.getLayerConf().getLayer());
                }
            }
        }
        var table = net.model().paramTable();
        List<WeightLayer> out = new ArrayList<>();
        boolean seenConv = false;
        for (int i = 0; i < confs.size(); i++) {
            Kind kind = kindOf(confs.get(i));
            INDArray w = kind == null ? null : table.get(keys.get(i));
            if (w == null) {
                continue;
            }
            int channels = (int) (kind == Kind.CONV ? w.size(0) : w.size(1));
            out.add(new WeightLayer(keys.get(i), names.get(i), kind, w.shape(), channels,
                    kind == Kind.CONV && !seenConv));
            seenConv |= kind == Kind.CONV;
        }
        return out;
    }

    /** Names {@code skip:} accepts besides layer names. */
    public static final List<String> SKIP_KINDS = List.of("conv", "dense", "output", "first-conv");

    /**
     * The layers of {@code all} not named by {@code skip} (layer names or {@link #SKIP_KINDS}); an entry that names
     * nothing is a config error at {@code path[j]} listing what it could name.
     */
    public static List<WeightLayer> select(List<WeightLayer> all, List<String> skip, String path) {
        for (int j = 0; j < skip.size(); j++) {
            String s = skip.get(j);
            if (!SKIP_KINDS.contains(s) && all.stream().noneMatch(l -> l.layer().equals(s))) {
                throw new ConfigException(path + "[" + j + "]", "no layer or layer kind '" + s + "'; layers: "
                        + String.join(", ", all.stream().map(WeightLayer::layer).toList()) + "; kinds: "
                        + String.join(", ", SKIP_KINDS));
            }
        }
        List<WeightLayer> out = new ArrayList<>();
        for (WeightLayer l : all) {
            boolean skipped = skip.contains(l.layer()) || skip.contains(l.kind().yaml())
                    || (l.firstConv() && skip.contains("first-conv"));
            if (!skipped) {
                out.add(l);
            }
        }
        return out;
    }
}
