package org.distill4j.model;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.math.Magnitude;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Binary keep-masks over a network's weight matrices (parameter keys ending in {@code _W} / {@code W}; biases and
 * BatchNorm parameters are never masked), computed by magnitude per layer or with one global threshold, and
 * applied in place so pruned weights are exactly zero.
 */
public final class WeightMasks {
    private final Map<String, INDArray> masks;

    private WeightMasks(Map<String, INDArray> masks) {
        this.masks = masks;
    }

    /** Masks given as arrays shaped like their parameters (1 keep, 0 pruned). */
    public static WeightMasks of(Map<String, INDArray> masks) {
        return new WeightMasks(new LinkedHashMap<>(masks));
    }

    /** The weight parameters of {@code net}, in network order, keyed as in its parameter table. */
    public static List<String> weightKeys(Net net) {
        List<String> keys = new ArrayList<>();
        for (String k : net.model().paramTable().keySet()) {
            if (k.endsWith("_W") || k.equals("W")) {
                keys.add(k);
            }
        }
        return keys;
    }

    /** Masks removing the given fraction of each listed parameter's weights, smallest magnitude first. */
    public static WeightMasks perLayer(Net net, Map<String, Double> sparsityByKey) {
        Map<String, INDArray> table = net.model().paramTable();
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : sparsityByKey.entrySet()) {
            INDArray w = require(table, e.getKey());
            float[] keep = Magnitude.mask(w.dup('c').data().asFloat(), e.getValue());
            m.put(e.getKey(), Nd4j.create(keep, w.shape(), 'c').castTo(w.dataType()));
        }
        return new WeightMasks(m);
    }

    /** Masks removing {@code sparsity} of all the listed parameters' weights together (one global threshold). */
    public static WeightMasks global(Net net, List<String> keys, double sparsity) {
        Map<String, INDArray> table = net.model().paramTable();
        int total = 0;
        for (String k : keys) {
            total += (int) require(table, k).length();
        }
        float[] all = new float[total];
        int off = 0;
        for (String k : keys) {
            float[] w = require(table, k).dup('c').data().asFloat();
            System.arraycopy(w, 0, all, off, w.length);
            off += w.length;
        }
        float[] keep = Magnitude.mask(all, sparsity);
        Map<String, INDArray> m = new LinkedHashMap<>();
        off = 0;
        for (String k : keys) {
            INDArray w = table.get(k);
            float[] part = java.util.Arrays.copyOfRange(keep, off, off + (int) w.length());
            off += part.length;
            m.put(k, Nd4j.create(part, w.shape(), 'c').castTo(w.dataType()));
        }
        return new WeightMasks(m);
    }

    private static INDArray require(Map<String, INDArray> table, String key) {
        INDArray w = table.get(key);
        if (w == null) {
            throw new IllegalArgumentException("no parameter '" + key + "'; weight parameters: " + table.keySet());
        }
        return w;
    }

    /** Zeroes the masked weights of {@code net} in place. */
    public void apply(Net net) {
        Map<String, INDArray> table = net.model().paramTable();
        for (Map.Entry<String, INDArray> e : masks.entrySet()) {
            require(table, e.getKey()).muli(e.getValue());
        }
    }

    /** The mask of one parameter (1 keep, 0 pruned), or null if it is not masked. */
    public INDArray mask(String key) {
        return masks.get(key);
    }

    /** Writes the masks (exact binary arrays) to {@code file}. */
    public void write(java.nio.file.Path file) throws java.io.IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(masks.size());
            for (Map.Entry<String, INDArray> e : masks.entrySet()) {
                out.writeUTF(e.getKey());
                Nd4j.write(e.getValue(), out);
            }
        }
    }

    /** Reads masks written by {@link #write}. */
    public static WeightMasks read(java.nio.file.Path file) throws java.io.IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int n = in.readInt();
            Map<String, INDArray> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                m.put(in.readUTF(), Nd4j.read(in));
            }
            return new WeightMasks(m);
        }
    }

    public Map<String, INDArray> all() {
        return java.util.Collections.unmodifiableMap(masks);
    }
}
