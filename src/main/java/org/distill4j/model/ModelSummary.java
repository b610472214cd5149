package org.distill4j.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Per-layer parameters, output shape and forward FLOPs per sample (a multiply-add counts 2), and totals.
 * Conv: 2·k²·c_in·c_out·h_out·w_out; dense: 2·n_in·n_out; BatchNorm and element-wise ops: about 2 and 1
 * per output element; pooling: one per window element.
 */
public record ModelSummary(List<Row> rows, long params, long flops) {

    public record Row(String name, String type, String output, long params, long flops) {
    }

    public static ModelSummary of(Net net, Architectures.InputShape input) {
        List<Row> rows = new ArrayList<>();
        if (net.model() instanceof MultiLayerNetwork m) {
            List<InputType> types = m.getLayerWiseConfigurations().getLayerActivationTypes(input.type());
            for (int i = 0; i < m.getnLayers(); i++) {
                Layer conf = m.getLayerWiseConfigurations().getConf(i).getLayer();
                String name = WeightLayers.layerName(conf, i);
                rows.add(row(name, conf, types.get(i), m.getLayer(i).numParams()));
            }
        } else {
            ComputationGraph g = (ComputationGraph) net.model();
            ComputationGraphConfiguration conf = g.getConfiguration();
            Map<String, InputType> types = conf.getLayerActivationTypes(input.type());
            for (String name : conf.getTopologicalOrderStr()) {
                GraphVertex v = conf.getVertices().get(name);
                if (v == null) {
                    continue;
                }
                InputType out = types.get(name);
                if (v instanceof LayerVertex lv) {
                    rows.add(row(name, lv.getLayerConf().getLayer(), out, g.getLayer(name).numParams()));
                } else {
                    long el = elements(out);
                    rows.add(new Row(name, v instanceof ElementWiseVertex ? "Add" : v.getClass().getSimpleName(),
                            shape(out), 0, el));
                }
            }
        }
        long p = 0;
        long f = 0;
        for (Row r : rows) {
            p += r.params();
            f += r.flops();
        }
        return new ModelSummary(rows, p, f);
    }

    private static Row row(String name, Layer conf, InputType out, long params) {
        long el = elements(out);
        long flops;
        if (conf instanceof ConvolutionLayer c) {
            long k = c.getKernelSize()[0] * (long) c.getKernelSize()[1];
            flops = 2 * k * c.getNIn() * el + (c.hasBias() ? el : 0);
        } else if (conf instanceof SubsamplingLayer s) {
            flops = el * s.getKernelSize()[0] * (long) s.getKernelSize()[1];
        } else if (conf instanceof BatchNormalization) {
            flops = 2 * el;
        } else if (conf instanceof ActivationLayer || conf instanceof GlobalPoolingLayer) {
            flops = el;
        } else if (conf instanceof FeedForwardLayer ff) {
            flops = 2 * ff.getNIn() * ff.getNOut() + ff.getNOut();
        } else {
            flops = el;
        }
        return new Row(name, conf.getClass().getSimpleName(), shape(out), params, flops);
    }

    private static long elements(InputType t) {
        return t == null ? 0 : t.arrayElementsPerExample();
    }

    private static String shape(InputType t) {
        if (t == null) {
            return "?";
        }
        long[] s = t.getShape(false);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            sb.append(i == 0 ? "" : "x").append(s[i]);
        }
        return sb.toString();
    }

    /** A fixed-width table for the log. */
    public String table(String title) {
        StringBuilder sb = new StringBuilder();
        sb.append(title).append('\n');
        sb.append(String.format("  %-16s %-20s %-12s %12s %14s%n", "layer", "type", "output", "params", "FLOPs"));
        for (Row r : rows) {
            sb.append(String.format("  %-16s %-20s %-12s %,12d %,14d%n", r.name(), r.type(), r.output(),
                    r.params(), r.flops()));
        }
        sb.append(String.format("  %-50s %,12d %,14d  (params, FLOPs per sample)", "total", params, flops));
        return sb.toString();
    }
}
