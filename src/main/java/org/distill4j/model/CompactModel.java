package org.distill4j.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
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
 * <p>Layout (format version 2; all integers big-endian):
 * <pre>
 * "D4JC"             4 bytes  magic
 * version            1 byte   2
 * payload length     4 bytes  unsigned: the bytes between this field and the checksum
 * payload                     graph flag (1 byte), deflated configuration (4-byte length, bytes),
 *                             parameter count (2 bytes), then per parameter its key, shape and block
 * checksum           4 bytes  CRC32C ({@link CRC32C}) of every byte before it, header included
 * </pre>
 * A reader checks the length against the file's size and then the checksum before it interprets a payload byte,
 * so a changed bit, a cut or bytes appended after the checksum are one-line errors naming the file. Version 1
 * (written until format 2 existed) is the magic, the version byte 1 and the payload, with no length and no
 * checksum; it is still read, and its damage is detected only where the payload stops making sense.
 */
public final class CompactModel {
    private static final byte[] MAGIC = {'D', '4', 'J', 'C'};
    /** The format version this build writes. */
    public static final int VERSION = 2;
    /** Version 2 plus blocks coded against a shared codebook (k-means weight sharing); written only for those. */
    public static final int VERSION_SHARED = 3;
    private static final int VERSION_1 = 1;
    /** Set in a block's bit-width byte when its codes index a shared codebook. */
    private static final int SHARED = Quantizer.Channels.SHARED_FLAG;
    /** Magic, version byte and payload length. */
    private static final int HEADER = MAGIC.length + 1 + 4;
    /** The CRC32C. */
    private static final int TRAILER = 4;
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

    /** Whether {@code file} is meant as a compact model: it starts with the magic or its name ends in .d4jc. */
    public static boolean isCompact(Path file) {
        if (file.getFileName() != null && file.getFileName().toString().endsWith(".d4jc")) {
            return true;
        }
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
        boolean shared = false;
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
            shared |= quantized.containsKey(p.getKey()) && quantized.get(p.getKey()).isShared();
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
        return frame(bytes.toByteArray(), shared ? VERSION_SHARED : VERSION);
    }

    /** The format version {@link #encode} writes for these quantized weights. */
    public static int versionFor(Map<String, Quantizer.Channels> quantized) {
        return quantized.values().stream().anyMatch(Quantizer.Channels::isShared) ? VERSION_SHARED : VERSION;
    }

    /** A version-2 file around {@code payload}: header with its length, the payload, the CRC32C of both. */
    static byte[] frame(byte[] payload) {
        return frame(payload, VERSION);
    }

    private static byte[] frame(byte[] payload, int version) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length + TRAILER);
        b.put(MAGIC).put((byte) version).putInt(payload.length).put(payload);
        b.putInt(crc(b.array(), b.position()));
        return b.array();
    }

    /** The CRC32C of {@code data[0, end)}, as the int the file stores. */
    private static int crc(byte[] data, int end) {
        CRC32C c = new CRC32C();
        c.update(data, 0, end);
        return (int) c.getValue();
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
        out.writeByte(q == null ? 32 : q.isShared() ? SHARED | q.bits() : q.bits());
        if (q != null) {
            for (float s : q.isShared() ? q.codebook() : q.scales()) {
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
            int offset = q.isShared() ? 0 : Quantizer.maxSymmetric(q.bits());
            int[] symbols = new int[n];
            for (int i = 0; i < n; i++) {
                symbols[i] = q.codes()[positions == null ? i : positions[i]] + offset;
            }
            boolean h = writeSymbols(out, symbols, alphabet(q.bits(), q.isShared()), q.bits(), huffman);
            enc.append(", ").append(q.bits()).append(q.isShared() ? "-bit codebook indices" : "-bit codes")
                    .append(h ? " (huffman)" : "");
        }
        out.flush();
        return new Candidate(b.toByteArray(), enc.toString());
    }

    /** Symbols of a quantized block: 2^bits codebook indices, or the 2·qmax + 1 symmetric codes. */
    private static int alphabet(int bits, boolean shared) {
        return shared ? 1 << bits : 2 * Quantizer.maxSymmetric(bits) + 1;
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
            int size = BitPacking.packedBytes(count, bits);
            if (size > in.available()) {
                throw new EOFException();
            }
            return BitPacking.unpack(in.readNBytes(size), bits, count, false);
        }
        int[] lengths = new int[alphabet];
        for (int i = 0; i < alphabet; i++) {
            lengths[i] = in.readUnsignedByte();
        }
        byte[] data = readBlock(in, "a Huffman-coded block");
        return Huffman.decode(new Huffman.Encoded(data, 8L * data.length), lengths, count);
    }

    /**
     * Reads a compact model file back into a network. A file that is not one, is damaged, cut short, longer than
     * written, or of a format version this build does not know is an {@link InputException} naming the file.
     */
    public static Net read(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw bad("cannot read compact model " + file + ": " + e.getMessage(), e);
        }
        return decode(data, file.toString());
    }

    /** Decodes the bytes of a compact model file; {@code name} (the file) leads every error message. */
    public static Net decode(byte[] data, String name) {
        int version = version(data, name);
        byte[] payload = version == VERSION_1 ? Arrays.copyOfRange(data, MAGIC.length + 1, data.length)
                : verifiedPayload(data, name);
        String v1 = version == VERSION_1 ? " (format version 1 carries no checksum)" : "";
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
            Net net = parse(in, version);
            if (in.available() > 0) {
                throw bad(name + " has " + in.available() + " bytes after its end" + v1, null);
            }
            return net;
        } catch (InputException e) {
            throw e;
        } catch (EOFException e) {
            throw bad(name + " is cut short or damaged: its data ends early" + v1, e);
        } catch (IOException | RuntimeException e) {
            throw bad(name + " is damaged: " + firstLine(e) + v1, e);
        }
    }

    /** The format version after a checked magic; a version this build does not read is an error. */
    private static int version(byte[] data, String name) {
        int prefix = Math.min(data.length, MAGIC.length);
        if (!Arrays.equals(data, 0, prefix, MAGIC, 0, prefix)) {
            throw bad(name + " is not a distill4j compact model (no D4JC header)", null);
        }
        if (data.length <= MAGIC.length) {
            throw bad(name + " is cut short: " + data.length + " bytes, inside its header", null);
        }
        int version = Byte.toUnsignedInt(data[MAGIC.length]);
        if (version != VERSION_1 && version != VERSION && version != VERSION_SHARED) {
            throw bad(name + ": compact model format version " + version + "; this distill4j reads versions "
                    + VERSION_1 + " to " + VERSION_SHARED, null);
        }
        return version;
    }

    /**
     * The payload of a version-2 file, once its length matches the file's size and its checksum matches: a file
     * whose length field itself was damaged is told apart from one that was cut or had bytes appended.
     */
    private static byte[] verifiedPayload(byte[] data, String name) {
        if (data.length < HEADER) {
            throw bad(name + " is cut short: " + data.length + " bytes, inside its header", null);
        }
        long written = HEADER + Integer.toUnsignedLong(ByteBuffer.wrap(data, MAGIC.length + 1, 4).getInt()) + TRAILER;
        if (data.length != written && !lengthFieldChanged(data)) {
            if (data.length < written) {
                throw bad(name + " is cut short: " + data.length + " of " + written + " bytes", null);
            }
            if (checksumMatches(data, (int) written)) {
                throw bad(name + " has " + (data.length - written) + " bytes after its end", null);
            }
        }
        if (data.length != written || !checksumMatches(data, data.length)) {
            throw bad(name + ": damaged (checksum mismatch: the file was changed or corrupted after it was written)",
                    null);
        }
        return Arrays.copyOfRange(data, HEADER, data.length - TRAILER);
    }

    /** Whether the file's checksum holds once its length field says the file's actual size. */
    private static boolean lengthFieldChanged(byte[] data) {
        if (data.length < HEADER + TRAILER) {
            return false;
        }
        byte[] fixed = data.clone();
        ByteBuffer.wrap(fixed).putInt(MAGIC.length + 1, data.length - HEADER - TRAILER);
        return checksumMatches(fixed, fixed.length);
    }

    /** Whether {@code data[0, end)} ends with the CRC32C of the bytes before it. */
    private static boolean checksumMatches(byte[] data, int end) {
        return end >= HEADER + TRAILER && ByteBuffer.wrap(data).getInt(end - TRAILER) == crc(data, end - TRAILER);
    }

    private static InputException bad(String message, Throwable cause) {
        return new InputException(InputException.Kind.MODEL_FILE, message, cause);
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse("");
    }

    /** The network a payload describes: its architecture, then each parameter's values. */
    private static Net parse(DataInputStream in, int version) throws IOException {
        boolean graph = in.readByte() == 1;
        String json = new String(inflate(readBlock(in, "the configuration")), StandardCharsets.UTF_8);
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
            throw new IOException("the file holds " + count + " parameters, its architecture has " + table.size());
        }
        for (int p = 0; p < count; p++) {
            readParameter(in, net, table, weights, version);
        }
        return net;
    }

    private static void readParameter(DataInputStream in, Net net, Map<String, INDArray> table,
            Map<String, WeightLayers.WeightLayer> weights, int version) throws IOException {
        String key = in.readUTF();
        long[] shape = new long[in.readUnsignedByte()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = in.readInt();
        }
        INDArray target = table.get(key);
        if (target == null || !Arrays.equals(target.shape(), shape)) {
            throw new IOException("parameter " + key + " " + Arrays.toString(shape)
                    + " does not match the architecture");
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
            if (kind != WEIGHTS || w == null) {
                throw new IOException("parameter " + key + " is stored as a weight matrix but is not one");
            }
            w.setRows(net, readWeights(in, (int) target.length(), w.channels(), version));
        }
    }
    private static float[] readWeights(DataInputStream in, int length, int expectedChannels, int version)
            throws IOException {
        int channels = in.readInt();
        if (channels != expectedChannels) {
            throw new IOException("a weight block has " + channels + " channels, its layer " + expectedChannels);
        }
        int bits = in.readUnsignedByte();
        boolean shared = bits != 32 && (bits & SHARED) != 0;
        if (shared && version < VERSION_SHARED) {
            throw new IOException("a codebook block in a format version " + version + " file");
        }
        bits &= ~SHARED;
        float[] scales = null;
        if (bits != 32) {
            Quantizer.checkBits(bits);
            scales = new float[shared ? 1 << bits : channels];
            for (int c = 0; c < scales.length; c++) {
                scales[c] = in.readFloat();
            }
        }
        int indexBits = in.readUnsignedByte();
        int[] positions = null;
        int n = length;
        if (indexBits > 0) {
            n = in.readInt();
            if (indexBits > 8 || n < 0 || n > 2L * length + 1) {
                throw new IOException("a sparse block of " + length + " weights claims " + n + " entries at "
                        + indexBits + "-bit indices");
            }
            int[] gaps = readSymbols(in, n, 1 << indexBits, indexBits);
            positions = SparseIndex.positions(gaps, length);
        }
        float[] rows = new float[length];
        int per = length / channels;
        if (bits == 32) {
            for (int i = 0; i < n; i++) {
                rows[positions == null ? i : positions[i]] = in.readFloat();
            }
        } else if (shared) {
            int[] symbols = readSymbols(in, n, alphabet(bits, true), bits);
            for (int i = 0; i < n; i++) {
                rows[positions == null ? i : positions[i]] = scales[symbols[i]];
            }
        } else {
            int qmax = Quantizer.maxSymmetric(bits);
            int[] symbols = readSymbols(in, n, alphabet(bits, false), bits);
            for (int i = 0; i < n; i++) {
                int pos = positions == null ? i : positions[i];
                rows[pos] = Quantizer.dequantize(symbols[i] - qmax, scales[pos / per]);
            }
        }
        return rows;
    }

    /** A length-prefixed block; a length past the payload's end is a cut (or damage the reader cannot tell). */
    private static byte[] readBlock(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException(what + " has a negative length");
        }
        if (n > in.available()) {
            throw new EOFException();
        }
        return in.readNBytes(n);
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
