package org.distill4j.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Folds each inference-mode BatchNorm into the convolution before it (Jacob et al. 2018, section 3.2): with
 * {@code σ = sqrt(var + eps)} — DL4J stores the running variance as {@code log10stdev},
 * {@code var = 10^(2·log10stdev)}, and adds eps again at inference — {@code W' = W · γ/σ} per output channel and
 * {@code b' = (b − μ) · γ/σ + β}. The BatchNorm vertex disappears and the convolution gains a bias, so the
 * quantized weights are the ones inference actually multiplies by. Only a BatchNorm whose sole input is a convolution
 * that feeds nothing else is folded (computation graphs; layer-list networks are returned as they are).
 */
public final class BatchNormFolding {
    private BatchNormFolding() {
    }

    /** The folded network and the BatchNorm layers folded (empty if none could be). */
    public record Result(Net net, List<String> folded) {
    }

    public static Result fold(Net net) {
        if (!net.isGraph()) {
            return new Result(net, List.of());
        }
        ComputationGraphConfiguration conf = ((ComputationGraph) net.model()).getConfiguration().clone();
        Map<String, List<String>> consumers = new LinkedHashMap<>();
        conf.getVertexInputs().forEach(
                (v, ins) -> ins.forEach(in -> consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(v)));
        Map<String, String> pairs = new LinkedHashMap<>(); // bn -> conv
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BatchNormalization) {
                List<String> in = conf.getVertexInputs().get(e.getKey());
                if (in.size() == 1 && conf.getVertices().get(in.get(0)) instanceof LayerVertex cv
                        && cv.getLayerConf().getLayer().getClass() == ConvolutionLayer.class
                        && consumers.getOrDefault(in.get(0), List.of()).size() == 1) {
                    pairs.put(e.getKey(), in.get(0));
                }
            }
        }
        if (pairs.isEmpty()) {
            return new Result(net, List.of());
        }
        Map<String, BatchNormalization> bnConf = new LinkedHashMap<>();
        Map<String, Boolean> hadBias = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : pairs.entrySet()) {
            bnConf.put(p.getKey(), (BatchNormalization) ((LayerVertex) conf.getVertices().get(p.getKey()))
                    .getLayerConf().getLayer());
            ConvolutionLayer conv = (ConvolutionLayer) ((LayerVertex) conf.getVertices().get(p.getValue()))
                    .getLayerConf().getLayer();
            hadBias.put(p.getValue(), conv.hasBias());
            conv.setHasBias(true);
            conf.getVertices().remove(p.getKey());
            conf.getVertexInputs().remove(p.getKey());
            for (List<String> ins : conf.getVertexInputs().values()) {
                ins.replaceAll(x -> x.equals(p.getKey()) ? p.getValue() : x);
            }
            conf.getNetworkOutputs().replaceAll(x -> x.equals(p.getKey()) ? p.getValue() : x);
        }
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        Map<String, INDArray> src = net.model().paramTable();
        Map<String, INDArray> dst = g.paramTable();
        for (Map.Entry<String, INDArray> e : dst.entrySet()) {
            if (src.containsKey(e.getKey())) {
                e.getValue().assign(src.get(e.getKey()));
            }
        }
        for (Map.Entry<String, String> p : pairs.entrySet()) {
            String bn = p.getKey();
            String conv = p.getValue();
            BatchNormalization c = bnConf.get(bn);
            float[] gamma = src.get(bn + "_gamma").dup('c').data().asFloat();
            float[] beta = src.get(bn + "_beta").dup('c').data().asFloat();
            float[] mean = src.get(bn + "_mean").dup('c').data().asFloat();
            double[] std = new double[gamma.length];
            if (c.isUseLogStd()) {
                float[] log10 = src.get(bn + "_log10stdev").dup('c').data().asFloat();
                for (int i = 0; i < std.length; i++) {
                    std[i] = Math.sqrt(Math.pow(10, 2.0 * log10[i]) + c.getEps());
                }
            } else {
                float[] var = src.get(bn + "_var").dup('c').data().asFloat();
                for (int i = 0; i < std.length; i++) {
                    std[i] = Math.sqrt(var[i] + c.getEps());
                }
            }
            INDArray w = src.get(conv + "_W");
            float[] wv = w.dup('c').data().asFloat();
            int per = wv.length / gamma.length;
            float[] bias = new float[gamma.length];
            float[] oldBias = hadBias.get(conv) ? src.get(conv + "_b").dup('c').data().asFloat()
                    : new float[gamma.length];
            for (int ch = 0; ch < gamma.length; ch++) {
                double s = gamma[ch] / std[ch];
                for (int i = ch * per; i < (ch + 1) * per; i++) {
                    wv[i] = (float) (wv[i] * s);
                }
                bias[ch] = (float) ((oldBias[ch] - mean[ch]) * s + beta[ch]);
            }
            dst.get(conv + "_W").assign(Nd4j.create(wv, w.shape(), 'c'));
            INDArray b = dst.get(conv + "_b");
            b.assign(Nd4j.create(bias, b.shape(), 'c'));
        }
        return new Result(new Net(g), new ArrayList<>(pairs.keySet()));
    }
}
