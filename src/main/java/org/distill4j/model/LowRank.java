package org.distill4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Low-rank factorization of dense layers by truncated SVD: {@code W ≈ U_r Σ_r V_rᵀ} ([nIn, nOut]) becomes two
 * dense layers, {@code <name>_u} (nIn → r, identity, no bias, weights {@code U_r Σ_r^½}) and {@code <name>_v}
 * (r → nOut, the original activation and bias, weights {@code Σ_r^½ V_rᵀ}). The rank is given, or the smallest
 * that keeps a fraction of the squared singular values ("energy"). Layer-list networks only.
 */
public final class LowRank {
    private LowRank() {
    }

    /**
     * Singular values (descending), and the factors {@code U_r Σ_r^½} and {@code Σ_r^½ V_rᵀ} for every rank at
     * once.
     */
    public record Svd(double[] singular, INDArray u, INDArray vt) {
        /** The smallest rank whose squared singular values reach {@code energy} of the total. */
        public int rankFor(double energy) {
            double total = 0;
            for (double s : singular) {
                total += s * s;
            }
            double acc = 0;
            for (int r = 0; r < singular.length; r++) {
                acc += singular[r] * singular[r];
                if (acc >= energy * total - 1e-12 * total) {
                    return r + 1;
                }
            }
            return singular.length;
        }
    }

    /** The thin SVD of a [m, n] matrix (double precision). */
    public static Svd svd(INDArray w) {
        int m = (int) w.size(0);
        int n = (int) w.size(1);
        INDArray a = w.castTo(DataType.DOUBLE).dup('f');
        int k = Math.min(m, n);
        INDArray s = Nd4j.create(DataType.DOUBLE, k);
        INDArray u = Nd4j.create(DataType.DOUBLE, new long[] {m, m}, 'f');
        INDArray vt = Nd4j.create(DataType.DOUBLE, new long[] {n, n}, 'f');
        Nd4j.getBlasWrapper().lapack().gesvd(a, s, u, vt);
        return new Svd(s.toDoubleVector(), u, vt);
    }

    /** The weight layers of {@code net} by name that can be factorized: dense layers (not the output layer). */
    public static Map<String, Integer> denseLayers(Net net) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (net.model() instanceof MultiLayerNetwork m) {
            List<NeuralNetConfiguration> confs = m.getLayerWiseConfigurations().getConfs();
            for (int i = 0; i < confs.size(); i++) {
                if (confs.get(i).getLayer() instanceof DenseLayer d) {
                    out.put(WeightLayers.layerName(d, i), i);
                }
            }
        }
        return out;
    }

    /** A new network in which each named dense layer is replaced by its rank-{@code ranks.get(name)} factorization. */
    public static Net factorize(Net net, Map<String, Integer> ranks) {
        MultiLayerNetwork m = (MultiLayerNetwork) net.model();
        MultiLayerConfiguration old = m.getLayerWiseConfigurations();
        MultiLayerConfiguration conf = old.clone();
        List<NeuralNetConfiguration> confs = new ArrayList<>();
        Map<Integer, InputPreProcessor> pre = new HashMap<>();
        Map<String, INDArray> params = new LinkedHashMap<>();
        Map<String, INDArray> src = m.paramTable();
        for (int i = 0; i < old.getConfs().size(); i++) {
            NeuralNetConfiguration c = old.getConf(i).clone();
            int at = confs.size();
            if (old.getInputPreProcess(i) != null) {
                pre.put(at, old.getInputPreProcess(i).clone());
            }
            String name = WeightLayers.layerName(c.getLayer(), i);
            Integer r = c.getLayer() instanceof DenseLayer ? ranks.get(name) : null;
            if (r == null) {
                confs.add(c);
                for (Map.Entry<String, INDArray> e : src.entrySet()) {
                    if (e.getKey().startsWith(i + "_")) {
                        params.put(at + e.getKey().substring(String.valueOf(i).length()), e.getValue());
                    }
                }
                continue;
            }
            DenseLayer d = (DenseLayer) c.getLayer();
            INDArray w = src.get(i + "_W");
            Svd svd = svd(w);
            int k = svd.singular().length;
            if (r < 1 || r > k) {
                throw new IllegalArgumentException(name + ": rank must be 1.." + k + ", got " + r);
            }
            INDArray root = Nd4j.create(Arrays.stream(svd.singular()).limit(r).map(Math::sqrt).toArray(),
                    new long[] {1, r});
            INDArray wu = svd.u().get(NDArrayIndex.all(), NDArrayIndex.interval(0, r))
                    .mulRowVector(root);
            INDArray wv = svd.vt().get(NDArrayIndex.interval(0, r), NDArrayIndex.all())
                    .mulColumnVector(root.reshape(r, 1));
            DenseLayer u = (DenseLayer) d.clone();
            u.setLayerName(name + "_u");
            u.setNOut(r);
            u.setActivationFn(new ActivationIdentity());
            u.setHasBias(false);
            DenseLayer v = (DenseLayer) d.clone();
            v.setLayerName(name + "_v");
            v.setNIn(r);
            v.setIDropout(null);
            NeuralNetConfiguration cu = c.clone();
            cu.setLayer(u);
            NeuralNetConfiguration cv = c.clone();
            cv.setLayer(v);
            confs.add(cu);
            confs.add(cv);
            params.put(at + "_W", wu.castTo(w.dataType()));
            params.put((at + 1) + "_W", wv.castTo(w.dataType()));
            params.put((at + 1) + "_b", src.get(i + "_b"));
        }
        conf.setConfs(confs);
        conf.setInputPreProcessors(pre);
        MultiLayerNetwork n = new MultiLayerNetwork(conf);
        n.init();
        for (Map.Entry<String, INDArray> e : n.paramTable().entrySet()) {
            INDArray from = params.get(e.getKey());
            if (from == null || from.length() != e.getValue().length()) {
                throw new IllegalStateException("no matching source for parameter " + e.getKey());
            }
            e.getValue().assign(from.reshape(e.getValue().shape()));
        }
        return new Net(n);
    }
}
