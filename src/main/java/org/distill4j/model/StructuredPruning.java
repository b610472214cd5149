package org.distill4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Structured pruning: removes whole convolution filters or dense units and rebuilds a physically smaller network.
 * A prunable {@link Unit} is a conv or dense layer (the producer) whose output reaches exactly one weight layer (the
 * consumer) through channel-wise layers only — at most one BatchNorm, activations, pooling, dropout, the
 * conv-to-dense flattening. Removing producer channel {@code c} removes its filter and bias, BatchNorm entry
 * {@code c}, and the consumer's input channel {@code c} (for a dense consumer after flattening, its {@code h·w}
 * input rows). Channels that meet a residual add (or any merge) are tied to other layers and are never units: in
 * a ResNet only the first convolution of each block is prunable, the channels its add ties are left alone.
 */
public final class StructuredPruning {
    private StructuredPruning() {
    }

    /** Producer → [BatchNorm] → consumer; {@code spatial} input rows of the consumer per producer channel. */
    public record Unit(String producer, WeightLayers.Kind kind, int channels, String batchNorm, String consumer,
            int spatial) {
    }

    /** A layer of the network by name, with its parameter-key prefix and the layers that consume its output. */
    private record Node(String name, String prefix, Layer layer, List<String> consumers, InputPreProcessor pre) {
    }

    private static Map<String, Node> nodes(Net net) {
        Map<String, Node> out = new LinkedHashMap<>();
        if (net.model() instanceof MultiLayerNetwork m) {
            MultiLayerConfiguration conf = m.getLayerWiseConfigurations();
            int n = conf.getConfs().size();
            for (int i = 0; i < n; i++) {
                Layer l = conf.getConf(i).getLayer();
                out.put(WeightLayers.layerName(l, i), new Node(WeightLayers.layerName(l, i), String.valueOf(i), l,
                        i + 1 < n ? List.of(WeightLayers.layerName(conf.getConf(i + 1).getLayer(), i + 1)) : List.of(),
                        conf.getInputPreProcess(i)));
            }
        } else {
            ComputationGraphConfiguration conf = ((ComputationGraph) net.model()).getConfiguration();
            Map<String, List<String>> consumers = new LinkedHashMap<>();
            conf.getVertexInputs().forEach(
                    (v, ins) -> ins.forEach(in -> consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(v)));
            for (String name : conf.getTopologicalOrderStr()) {
                GraphVertex v = conf.getVertices().get(name);
                Layer l = v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
                out.put(name, new Node(name, name, l, consumers.getOrDefault(name, List.of()),
                        v instanceof LayerVertex lv ? lv.getPreProcessor() : null));
            }
        }
        return out;
    }

    /** The prunable units of {@code net}, in network order. */
    public static List<Unit> units(Net net) {
        Map<String, Node> nodes = nodes(net);
        List<Unit> out = new ArrayList<>();
        for (Node p : nodes.values()) {
            WeightLayers.Kind k = WeightLayers.kindOf(p.layer());
            if (k != WeightLayers.Kind.CONV && k != WeightLayers.Kind.DENSE) {
                continue;
            }
            String bn = null;
            Node cur = p;
            Unit unit = null;
            while (cur.consumers().size() == 1) {
                Node next = nodes.get(cur.consumers().get(0));
                Layer l = next.layer();
                if (l == null) {
                    break; // a merge or other vertex: channels tied
                }
                if (WeightLayers.kindOf(l) != null) {
                    int spatial = 1;
                    if (next.pre() instanceof CnnToFeedForwardPreProcessor c) {
                        spatial = (int) (c.getInputHeight() * c.getInputWidth());
                    } else if (next.pre() != null) {
                        break;
                    }
                    if (k == WeightLayers.Kind.DENSE && spatial != 1) {
                        break;
                    }
                    unit = new Unit(p.name(), k, (int) ((FeedForwardLayer) p.layer()).getNOut(), bn,
                            next.name(), spatial);
                    break;
                }
                if (l instanceof BatchNormalization && bn == null) {
                    bn = next.name();
                } else if (!(l instanceof ActivationLayer || l instanceof SubsamplingLayer || l instanceof DropoutLayer
                        || l instanceof org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer)) {
                    break;
                }
                cur = next;
            }
            if (unit != null) {
                out.add(unit);
            }
        }
        return out;
    }

    /**
     * The producer channels to keep: all but the {@code floor(fraction · channels)} with the smallest L1 (or L2)
     * filter norm, ties by index; at least one channel is always kept. Sorted ascending.
     */
    public static int[] keepByNorm(Net net, Unit u, double fraction, boolean l2) {
        String key = prefix(net, u.producer()) + "_W";
        float[] rows = WeightLayers.of(net).stream().filter(l -> l.key().equals(key)).findFirst()
                .orElseThrow().rows(net);
        int c = u.channels();
        int per = rows.length / c;
        double[] norm = new double[c];
        for (int i = 0; i < c; i++) {
            for (int j = i * per; j < (i + 1) * per; j++) {
                norm[i] += l2 ? rows[j] * (double) rows[j] : Math.abs(rows[j]);
            }
        }
        int remove = Math.min(c - 1, (int) Math.floor(fraction * c + 1e-9));
        Integer[] order = new Integer[c];
        for (int i = 0; i < c; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> norm[i]).thenComparing(i -> i));
        int[] keep = new int[c - remove];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = order[remove + i];
        }
        Arrays.sort(keep);
        return keep;
    }

    private static String prefix(Net net, String layer) {
        return nodes(net).get(layer).prefix();
    }

    /**
     * A new network without the removed channels; {@code keep} maps each pruned unit's producer to
     * the channels it keeps.
     */
    public static Net prune(Net net, List<Unit> units, Map<String, int[]> keep) {
        Map<String, Unit> byProducer = new LinkedHashMap<>();
        for (Unit u : units) {
            if (keep.containsKey(u.producer())) {
                byProducer.put(u.producer(), u);
            }
        }
        Net smaller;
        if (net.model() instanceof MultiLayerNetwork m) {
            MultiLayerConfiguration conf = m.getLayerWiseConfigurations().clone();
            Map<String, Layer> layers = new LinkedHashMap<>();
            Map<String, Integer> index = new LinkedHashMap<>();
            for (int i = 0; i < conf.getConfs().size(); i++) {
                layers.put(WeightLayers.layerName(conf.getConf(i).getLayer(), i), conf.getConf(i).getLayer());
                index.put(WeightLayers.layerName(conf.getConf(i).getLayer(), i), i);
            }
            for (Unit u : byProducer.values()) {
                resize(layers, u, keep.get(u.producer()).length);
                if (conf.getInputPreProcess(index.get(u.consumer())) instanceof CnnToFeedForwardPreProcessor c) {
                    conf.getInputPreProcessors().put(index.get(u.consumer()),
                            new CnnToFeedForwardPreProcessor(c.getInputHeight(), c.getInputWidth(),
                                    keep.get(u.producer()).length, c.getFormat()));
                }
            }
            MultiLayerNetwork n = new MultiLayerNetwork(conf);
            n.init();
            smaller = new Net(n);
        } else {
            ComputationGraphConfiguration conf = ((ComputationGraph) net.model()).getConfiguration().clone();
            Map<String, Layer> layers = new LinkedHashMap<>();
            conf.getVertices().forEach((name, v) -> {
                if (v instanceof LayerVertex lv) {
                    layers.put(name, lv.getLayerConf().getLayer());
                }
            });
            for (Unit u : byProducer.values()) {
                resize(layers, u, keep.get(u.producer()).length);
            }
            ComputationGraph g = new ComputationGraph(conf);
            g.init();
            smaller = new Net(g);
        }
        copyParams(net, smaller, byProducer, keep);
        return smaller;
    }

    private static void resize(Map<String, Layer> layers, Unit u, int k) {
        ((FeedForwardLayer) layers.get(u.producer())).setNOut(k);
        if (u.batchNorm() != null) {
            BatchNormalization bn = (BatchNormalization) layers.get(u.batchNorm());
            bn.setNIn(k);
            bn.setNOut(k);
        }
        ((FeedForwardLayer) layers.get(u.consumer())).setNIn((long) k * u.spatial());
    }

    private static void copyParams(Net from, Net to, Map<String, Unit> units, Map<String, int[]> keep) {
        Map<String, Node> nodes = nodes(from);
        Map<String, INDArray> src = from.model().paramTable();
        Map<String, INDArray> dst = to.model().paramTable();
        for (Map.Entry<String, INDArray> e : dst.entrySet()) {
            String key = e.getKey();
            INDArray a = src.get(key);
            if (a == null) {
                throw new IllegalStateException("no source parameter " + key);
            }
            for (Node n : nodes.values()) {
                if (!key.startsWith(n.prefix() + "_") || n.layer() == null
                        || key.substring(n.prefix().length() + 1).contains("_")) {
                    continue;
                }
                String p = key.substring(n.prefix().length() + 1);
                Unit asProducer = units.get(n.name());
                if (asProducer != null) {
                    int[] k = keep.get(n.name());
                    if (p.equals("W")) {
                        a = select(a, asProducer.kind() == WeightLayers.Kind.CONV ? 0 : 1, k);
                    } else if (p.equals("b")) {
                        a = select(a, a.rank() - 1, k);
                    }
                }
                for (Unit u : units.values()) {
                    int[] k = keep.get(u.producer());
                    if (n.name().equals(u.batchNorm())) {
                        a = select(a, a.rank() - 1, k);
                    } else if (n.name().equals(u.consumer()) && p.equals("W")) {
                        if (WeightLayers.kindOf(n.layer()) == WeightLayers.Kind.CONV) {
                            a = select(a, 1, k);
                        } else {
                            int[] rows = new int[k.length * u.spatial()];
                            for (int i = 0; i < k.length; i++) {
                                for (int j = 0; j < u.spatial(); j++) {
                                    rows[i * u.spatial() + j] = k[i] * u.spatial() + j;
                                }
                            }
                            a = select(a, 0, rows);
                        }
                    }
                }
            }
            if (!Arrays.equals(a.shape(), e.getValue().shape())) {
                throw new IllegalStateException(key + ": sliced to " + Arrays.toString(a.shape())
                        + ", the pruned network needs " + Arrays.toString(e.getValue().shape()));
            }
            e.getValue().assign(a);
        }
    }

    /** The entries of {@code a} at positions {@code idx} along {@code axis} (a copy, c order). */
    private static INDArray select(INDArray a, int axis, int[] idx) {
        long[] shape = a.shape();
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < axis; i++) {
            outer *= shape[i];
        }
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        float[] v = a.dup('c').data().asFloat();
        float[] out = new float[(int) (outer * idx.length * inner)];
        int o = 0;
        for (long i = 0; i < outer; i++) {
            for (int k : idx) {
                long from = (i * shape[axis] + k) * inner;
                System.arraycopy(v, (int) from, out, o, (int) inner);
                o += (int) inner;
            }
        }
        long[] ns = shape.clone();
        ns[axis] = idx.length;
        return Nd4j.create(out, ns, 'c').castTo(a.dataType());
    }
}
