package org.distill4j.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.distill4j.math.Stats;
import org.distill4j.model.Net;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Layer-by-layer forward and backward time of one training step, measured by driving the network's layers
 * (graph vertices) one at a time in training mode. This runs without DL4J's workspaces, so every buffer is
 * freshly allocated and absolute times are higher than inside {@code fit}; the shares per layer and per layer
 * type are what it is for. The median over repeats is reported per layer.
 */
public final class LayerProfile {
    private LayerProfile() {
    }

    /** Median forward and backward milliseconds of one layer (or vertex). */
    public record Row(String name, String type, double forwardMs, double backwardMs) {
    }

    public static List<Row> measure(Net net, DataSet batch, int repeats) {
        List<double[]> fw = new ArrayList<>();
        List<double[]> bw = new ArrayList<>();
        List<String[]> names = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            List<double[]> one = net.model() instanceof ComputationGraph g ? graphStep(g, batch, names, r == 0)
                    : mlnStep((MultiLayerNetwork) net.model(), batch, names, r == 0);
            for (int i = 0; i < one.size(); i++) {
                if (r == 0) {
                    fw.add(new double[repeats]);
                    bw.add(new double[repeats]);
                }
                fw.get(i)[r] = one.get(i)[0];
                bw.get(i)[r] = one.get(i)[1];
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            rows.add(new Row(names.get(i)[0], names.get(i)[1], Stats.median(fw.get(i)), Stats.median(bw.get(i))));
        }
        return rows;
    }

    private static List<double[]> mlnStep(MultiLayerNetwork m, DataSet batch, List<String[]> names, boolean record) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        int n = m.getnLayers();
        double[][] t = new double[n][2];
        INDArray x = batch.getFeatures();
        int mb = (int) x.size(0);
        for (int i = 0; i < n; i++) {
            Layer l = m.getLayer(i);
            InputPreProcessor pre = m.getLayerWiseConfigurations().getInputPreProcess(i);
            long t0 = System.nanoTime();
            if (pre != null) {
                x = pre.preProcess(x, mb, mgr);
            }
            if (l instanceof IOutputLayer o) {
                o.setLabels(batch.getLabels());
            }
            x = l.activate(x, true, mgr);
            t[i][0] = (System.nanoTime() - t0) / 1e6;
            if (record) {
                names.add(new String[]{"layer" + i, l.getClass().getSimpleName()});
            }
        }
        INDArray eps = null;
        for (int i = n - 1; i >= 0; i--) {
            long t0 = System.nanoTime();
            Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray> p = m.getLayer(i).backpropGradient(eps, mgr);
            eps = p.getSecond();
            InputPreProcessor pre = m.getLayerWiseConfigurations().getInputPreProcess(i);
            if (pre != null && eps != null) {
                eps = pre.backprop(eps, mb, mgr);
            }
            t[i][1] = (System.nanoTime() - t0) / 1e6;
        }
        List<double[]> out = new ArrayList<>();
        for (double[] r : t) {
            out.add(r);
        }
        return out;
    }

    private static List<double[]> graphStep(ComputationGraph g, DataSet batch, List<String[]> names, boolean record) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        GraphVertex[] vs = g.getVertices();
        int[] topo = g.topologicalSortOrder();
        Map<Integer, double[]> t = new LinkedHashMap<>();
        for (int idx : topo) {
            GraphVertex v = vs[idx];
            INDArray a;
            if (v.isInputVertex()) {
                a = batch.getFeatures();
            } else {
                if (v.hasLayer() && v.getLayer() instanceof IOutputLayer o) {
                    o.setLabels(batch.getLabels());
                }
                long t0 = System.nanoTime();
                a = v.doForward(true, mgr);
                t.put(idx, new double[]{(System.nanoTime() - t0) / 1e6, 0});
            }
            VertexIndices[] outs = v.getOutputVertices();
            if (outs != null) {
                for (VertexIndices o : outs) {
                    vs[o.getVertexIndex()].setInput(o.getVertexEdgeNumber(), a, mgr);
                }
            }
        }
        Map<Integer, INDArray> eps = new HashMap<>();
        for (int k = topo.length - 1; k >= 0; k--) {
            int idx = topo[k];
            GraphVertex v = vs[idx];
            if (v.isInputVertex()) {
                continue;
            }
            long t0 = System.nanoTime();
            if (!v.isOutputVertex()) {
                v.setEpsilon(eps.get(idx));
            }
            Pair<org.deeplearning4j.nn.gradient.Gradient, INDArray[]> p = v.doBackward(false, mgr);
            t.get(idx)[1] = (System.nanoTime() - t0) / 1e6;
            VertexIndices[] ins = v.getInputVertices();
            if (ins != null && p.getSecond() != null) {
                for (int j = 0; j < ins.length; j++) {
                    INDArray e = p.getSecond()[j];
                    if (e != null) {
                        eps.merge(ins[j].getVertexIndex(), e, INDArray::add);
                    }
                }
            }
        }
        List<double[]> out = new ArrayList<>();
        for (Map.Entry<Integer, double[]> e : t.entrySet()) {
            out.add(e.getValue());
            if (record) {
                GraphVertex v = vs[e.getKey()];
                names.add(new String[]{v.getVertexName(), v.hasLayer() ? v.getLayer().getClass().getSimpleName()
                        : v.getClass().getSimpleName()});
            }
        }
        return out;
    }

    /** Milliseconds per layer type (forward, backward), summed over the layers of that type. */
    public static Map<String, double[]> byType(List<Row> rows) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (Row r : rows) {
            double[] v = m.computeIfAbsent(r.type(), k -> new double[2]);
            v[0] += r.forwardMs();
            v[1] += r.backwardMs();
        }
        return m;
    }

    public static String table(List<Row> rows, double fullStepMs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("  %-16s %-24s %10s %10s%n", "layer", "type", "fwd ms", "bwd ms"));
        double f = 0;
        double b = 0;
        for (Row r : rows) {
            sb.append(String.format("  %-16s %-24s %10.2f %10.2f%n", r.name(), r.type(), r.forwardMs(),
                    r.backwardMs()));
            f += r.forwardMs();
            b += r.backwardMs();
        }
        sb.append(String.format("  %-41s %10.2f %10.2f%n", "sum of layers", f, b));
        sb.append("  by layer type (fwd ms, bwd ms, share of the layers' total):\n");
        for (Map.Entry<String, double[]> e : byType(rows).entrySet()) {
            sb.append(String.format("    %-24s %10.2f %10.2f %6.1f%%%n", e.getKey(), e.getValue()[0], e.getValue()[1],
                    100 * (e.getValue()[0] + e.getValue()[1]) / (f + b)));
        }
        if (fullStepMs >= f + b) {
            sb.append(String.format("  whole fit() step (median) %.2f ms: layers %.2f ms, updater + loss + framework "
                    + "%.2f ms%n", fullStepMs, f + b, fullStepMs - f - b));
        } else {
            sb.append(String.format("  whole fit() step (median) %.2f ms; the layers timed one by one take %.2f ms "
                    + "because they run without DL4J's%n"
                    + "  workspaces (every buffer freshly allocated): read the per-layer numbers as shares, "
                    + "not as absolute times%n", fullStepMs, f + b));
        }
        return sb.toString();
    }
}
