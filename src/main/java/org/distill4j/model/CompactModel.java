package org.distill4j.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.distill4j.config.InputException;
import org.distill4j.math.BitPacking;
import org.distill4j.math.Huffman;
import org.distill4j.math.Quantizer;
import org.distill4j.math.SparseIndex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The compact model file ({@code .d4jc}): the network's DL4J configuration (deflated JSON) and its parameters,
 * each weight matrix stored in the smallest of these encodings:
 * <ul>
 * <li>values: float32, or integer codes at the layer's bit width with one float32 scale per output channel;</li>
 * <li>layout: dense, or sparse with Deep Compression relative indices (zeros skipped before each entry, in
 * 2..8 bits, filler entries bridging longer runs);</li>
 * <li>codes and index gaps bit-packed, or Huffman-coded with canonical codes (only code lengths stored).</li>
 * </ul>
 * Biases and BatchNorm parameters are stored as float32. Weights are read back as exactly the float32 values the
 * in-memory model held ({@code code · scale} for quantized layers), so the loaded model's outputs are identical.
 * <p>Layout: magic {@code D4JC}, format version, graph flag, deflated configuration, then per parameter its
 * key, shape and block. All integers big-endian.
 */
public final class CompactModel {
    private static final byte[] MAGIC = {'D', '4', 'J', 'C'};
    private static final int VERSION = 1;
    private static final int RAW = 0;
    private static final int WEIGHTS = 1;

    private CompactModel() {
    }

    /** Size accounting for one parameter of an exported model. */
    public record Entry(String key, String layer, String kind, long values, long denseBytes, long bytes,
                        double sparsity, int bits, String encoding) {
        public double ratio() {
            return (double) denseBytes / bytes;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("param", key);
            m.put("layer", layer);
            m.put("kind", kind);
            m.put("values", values);
            m.put("dense_fp32_bytes", denseBytes);
            m.put("bytes", bytes);
            m.put("ratio", ratio());
            m.put("sparsity", sparsity);
            m.put("bits", bits);
            m.put("encoding", encoding);
            return m;
        }
    }

    /** What {@link #write} produced: per-parameter entries, the architecture's bytes and the file's total. */
    public record Summary(List<Entry> entries, long architectureBytes, long fileBytes) {
        public long denseBytes() {
            return entries.stream().mapToLong(Entry::denseBytes).sum();
        }

        public long parameterBytes() {
            return entries.stream().mapToLong(Entry::bytes).sum();
        }

        public String table() {
            StringBuilder sb = new StringBuilder(String.format("%-22s %-7s %9s %12s %10s %8s %9s %5s  %s%n",
                    "parameter (layer)", "kind", "values", "fp32 bytes", "bytes", "ratio", "sparsity",
                    "bits", "encoding"));
            for (Entry e : entries) {
                sb.append(String.format("%-22s %-7s %9d %12d %10d %7.1fx %8.2f%% %5s  %s%n",
                        e.key() + (e.layer().isEmpty() ? "" : " (" + e.layer() + ")"), e.kind(), e.values(),
                        e.denseBytes(), e.bytes(), e.ratio(), 100 * e.sparsity(),
                        e.bits() == 32 ? "fp32" : String.valueOf(e.bits()), e.encoding()));
            }
            sb.append(String.format("%-22s %-7s %9d %12d %10d %7.1fx%n", "parameters", "",
                    entries.stream().mapToLong(Entry::values).sum(),
                    denseBytes(), parameterBytes(), (double) denseBytes() / parameterBytes()));
            sb.append(String.format("%-22s %-7s %9s %12s %10d%n", "architecture", "", "", "", architectureBytes));
            sb.append(String.format("%-22s %-7s %9s %12d %10d %7.1fx", "file", "", "", denseBytes(), fileBytes,
                    (double) denseBytes() / fileBytes));
            return sb.toString();
        }
    }

    public static boolean isCompact(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Encodes {@code net}; {@code quantized} gives the integer codes and scales of its quantized weights by
     * parameter key (they must equal the network's weights exactly). {@code huffman} allows entropy coding.
     */
    public static byte[] encode(Net net, Map<String, Quantizer.Channels> quantized, boolean huffman,
            List<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeByte(VERSION);
        out.writeByte(net.isGraph() ? 1 : 0);
        String json = net.isGraph() ? ((ComputationGraph) net.model()).getConfiguration().toJson()
                : ((MultiLayerNetwork) net.model()).getLayerWiseConfigurations().toJson();
        byte[] arch = deflate(json.getBytes(StandardCharsets.UTF_8));
        out.writeInt(arch.length);
        out.write(arch);
        Map<String, WeightLayers.WeightLayer> weights = new LinkedHashMap<>();
        for (WeightLayers.WeightLayer l : WeightLayers.of(net)) {
            weights.put(l.key(), l);
        }
        Map<String, INDArray> table = net.model().paramTable();
        out.writeShort(table.size());
        for (Map.Entry<String, INDArray> p : table.entrySet()) {
            int start = out.size();
            out.writeUTF(p.getKey());
            long[] shape = p.getValue().shape();
            out.writeByte(shape.length);
            for (long d : shape) {
                out.writeInt((int) d);
            }
            WeightLayers.WeightLayer w = weights.get(p.getKey());
            Block block;
            if (w == null) {
                float[] v = p.getValue().dup('c').data().asFloat();
                out.writeByte(RAW);
                for (float f : v) {
                    out.writeFloat(f);
                }
                block = new Block(0, 32, "fp32 dense");
            } else {
                out.writeByte(WEIGHTS);
                float[] rows = w.rows(net);
                Quantizer.Channels q = quantized.get(p.getKey());
                if (q != null && !Arrays.equals(q.values(), rows)) {
                    throw new IllegalStateException(p.getKey() + ": the network's weights are not its quantized codes "
                            + "times their scales");
                }
                block = writeWeights(out, rows, w.channels(), q, huffman);
            }
            long values = p.getValue().length();
            entries.add(new Entry(p.getKey(), w == null ? "" : w.layer(), w == null ? "other" : w.kind().yaml(),
                    values, 4 * values, out.size() - start, block.sparsity, block.bits, block.encoding));
        }
        out.flush();
        return bytes.toByteArray();
    }

    /** Writes {@code net} to {@code file} (atomically) and returns the size accounting. */
    public static Summary write(Net net, Map<String, Quantizer.Channels> quantized, boolean huffman,
            Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        byte[] data = encode(net, quantized, huffman, entries);
        org.distill4j.run.AtomicFiles.write(file, f -> Files.write(f, data));
        long params = entries.stream().mapToLong(Entry::bytes).sum();
        return new Summary(entries, data.length - params, data.length);
    }

    private record Block(double sparsity, int bits, String encoding) {
    }

    /** One candidate encoding of a weight matrix, fully serialized. */
    private record Candidate(byte[] data, String encoding) {
    }

    private static Block writeWeights(DataOutputStream out, float[] rows, int channels, Quantizer.Channels q,
            boolean huffman) throws IOException {
        double sparsity = org.distill4j.math.Magnitude.sparsity(rows);
        List<Candidate> candidates = new ArrayList<>();
        candidates.add(candidate(rows, channels, q, 0, huffman));
        if (sparsity > 0) {
            for (int indexBits = 2; indexBits <= 8; indexBits++) {
                candidates.add(candidate(rows, channels, q, indexBits, huffman));
            }
        }
        Candidate best = candidates.get(0);
        for (Candidate c : candidates) {
            if (c.data.length < best.data.length) {
                best = c;
            }
        }
        out.write(best.data);
        return new Block(sparsity, q == null ? 32 : q.bits(), best.encoding);
    }

    /**
     * Serializes a weight block: indexBits 0 is dense; codes and gaps Huffman-coded where that is
     * smaller (and allowed).
     */
    private static Candidate candidate(float[] rows, int channels, Quantizer.Channels q, int indexBits,
            boolean huffman) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(channels);
        out.writeByte(q == null ? 32 : q.bits());
        if (q != null) {
            for (float s : q.scales()) {
                out.writeFloat(s);
            }
        }
        out.writeByte(indexBits);
        int[] positions;
        StringBuilder enc = new StringBuilder();
        if (indexBits == 0) {
            positions = null;
            enc.append("dense");
        } else {
            SparseIndex.Entries e = SparseIndex.encode(rows, indexBits);
            positions = e.positions();
            out.writeInt(e.size());
            enc.append("sparse ").append(indexBits).append("-bit index");
            enc.append(writeSymbols(out, e.gaps(), 1 << indexBits, indexBits, huffman) ? " (huffman)" : "");
        }
        int n = positions == null ? rows.length : positions.length;
        if (q == null) {
            for (int i = 0; i < n; i++) {
                out.writeFloat(rows[positions == null ? i : positions[i]]);
            }
            enc.append(", fp32 values");
        } else {
            int qmax = Quantizer.maxSymmetric(q.bits());
            int[] symbols = new int[n];
            for (int i = 0; i < n; i++) {
                symbols[i] = q.codes()[positions == null ? i : positions[i]] + qmax;
            }
            boolean h = writeSymbols(out, symbols, 2 * qmax + 1, q.bits(), huffman);
            enc.append(", ").append(q.bits()).append("-bit codes").append(h ? " (huffman)" : "");
        }
        out.flush();
        return new Candidate(b.toByteArray(), enc.toString());
    }

    /** Writes symbols in [0, alphabet) bit-packed or Huffman-coded, whichever is smaller; true if Huffman. */
    private static boolean writeSymbols(DataOutputStream out, int[] symbols, int alphabet, int bits,
            boolean huffman) throws IOException {
        byte[] packed = BitPacking.pack(symbols, bits, false);
        int[] lengths = null;
        Huffman.Encoded coded = null;
        if (huffman && symbols.length > 0) {
            long[] freq = new long[alphabet];
            for (int s : symbols) {
                freq[s]++;
            }
            lengths = Huffman.codeLengths(freq);
            coded = Huffman.encode(symbols, lengths);
        }
        boolean useHuffman = coded != null && alphabet + 4 + coded.data().length < packed.length;
        out.writeByte(useHuffman ? 1 : 0);
        if (useHuffman) {
            for (int l : lengths) {
                out.writeByte(l);
            }
            out.writeInt(coded.data().length);
            out.write(coded.data());
        } else {
            out.write(packed);
        }
        return useHuffman;
    }

    private static int[] readSymbols(DataInputStream in, int count, int alphabet, int bits) throws IOException {
        boolean huffman = in.readByte() == 1;
        if (!huffman) {
            return BitPacking.unpack(in.readNBytes(BitPacking.packedBytes(count, bits)), bits, count, false);
        }
        int[] lengths = new int[alphabet];
        for (int i = 0; i < alphabet; i++) {
            lengths[i] = in.readUnsignedByte();
        }
        byte[] data = in.readNBytes(in.readInt());
        return Huffman.decode(new Huffman.Encoded(data, 8L * data.length), lengths, count);
    }

    /** Reads a compact model file back into a network. */
    public static Net read(Path file) {
        try {
            return decode(Files.readAllBytes(file));
        } catch (IOException | RuntimeException e) {
            if (e instanceof InputException de) {
                throw de;
            }
            throw new InputException(InputException.Kind.MODEL_FILE, "cannot read compact model " + file + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
    }

    public static Net decode(byte[] data) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        if (!Arrays.equals(in.readNBytes(4), MAGIC)) {
            throw new InputException(InputException.Kind.MODEL_FILE, "not a distill4j compact model (no D4JC header)");
        }
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new InputException(InputException.Kind.MODEL_FILE, "compact model format version " + version
                    + "; this distill4j reads version " + VERSION);
        }
        boolean graph = in.readByte() == 1;
        String json = new String(inflate(in.readNBytes(in.readInt())), StandardCharsets.UTF_8);
        OneDnn.configure();
        Net net;
        if (graph) {
            ComputationGraph g = new ComputationGraph(ComputationGraphConfiguration.fromJson(json));
            g.init();
            net = new Net(g);
        } else {
            MultiLayerNetwork m = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
            m.init();
            net = new Net(m);
        }
        Map<String, WeightLayers.WeightLayer> weights = new LinkedHashMap<>();
        for (WeightLayers.WeightLayer l : WeightLayers.of(net)) {
            weights.put(l.key(), l);
        }
        Map<String, INDArray> table = net.model().paramTable();
        int count = in.readUnsignedShort();
        if (count != table.size()) {
            throw new InputException(InputException.Kind.MODEL_FILE, "the file holds " + count
                    + " parameters, its architecture has " + table.size());
        }
        for (int p = 0; p < count; p++) {
            String key = in.readUTF();
            long[] shape = new long[in.readUnsignedByte()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.readInt();
            }
            INDArray target = table.get(key);
            if (target == null || !Arrays.equals(target.shape(), shape)) {
                throw new InputException(InputException.Kind.MODEL_FILE, "parameter " + key + " "
                        + Arrays.toString(shape) + " does not match the architecture");
            }
            int kind = in.readUnsignedByte();
            if (kind == RAW) {
                float[] v = new float[(int) target.length()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = in.readFloat();
                }
                target.assign(Nd4j.create(v, shape, 'c').castTo(target.dataType()));
            } else {
                WeightLayers.WeightLayer w = weights.get(key);
                if (w == null) {
                    throw new InputException(InputException.Kind.MODEL_FILE,
                            "parameter " + key + " is stored as a weight matrix but is not one");
                }
                w.setRows(net, readWeights(in, (int) target.length()));
            }
        }
        return net;
    }

    private static float[] readWeights(DataInputStream in, int length) throws IOException {
        int channels = in.readInt();
        int bits = in.readUnsignedByte();
        float[] scales = null;
        if (bits != 32) {
            Quantizer.checkBits(bits);
            scales = new float[channels];
            for (int c = 0; c < channels; c++) {
                scales[c] = in.readFloat();
            }
        }
        int indexBits = in.readUnsignedByte();
        int[] positions = null;
        int n = length;
        if (indexBits > 0) {
            n = in.readInt();
            int[] gaps = readSymbols(in, n, 1 << indexBits, indexBits);
            positions = SparseIndex.positions(gaps, length);
        }
        float[] rows = new float[length];
        int per = length / channels;
        if (bits == 32) {
            for (int i = 0; i < n; i++) {
                rows[positions == null ? i : positions[i]] = in.readFloat();
            }
        } else {
            int qmax = Quantizer.maxSymmetric(bits);
            int[] symbols = readSymbols(in, n, 2 * qmax + 1, bits);
            for (int i = 0; i < n; i++) {
                int pos = positions == null ? i : positions[i];
                rows[pos] = Quantizer.dequantize(symbols[i] - qmax, scales[pos / per]);
            }
        }
        return rows;
    }

    private static byte[] deflate(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(Deflater.BEST_COMPRESSION))) {
            d.write(b);
        }
        return out.toByteArray();
    }

    private static byte[] inflate(byte[] b) throws IOException {
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(b))) {
            return in.readAllBytes();
        }
    }
}
