package org.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.distill4j.config.Activation;
import org.distill4j.model.LeNet5Spec;
import org.distill4j.model.MlpSpec;
import org.distill4j.model.ResNetSpec;
import org.distill4j.config.InputException;
import org.distill4j.math.Quantizer;
import org.distill4j.run.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The compact export format: on random networks (MLP, LeNet-5, ResNet graph) with random per-layer sparsity,
 * bit widths and float layers, export → load gives bitwise-equal parameters and logits; block sizes match
 * hand-computed byte counts.
 */
public class CompactModelTest {
    public static final Architectures.InputShape IN = new Architectures.InputShape(1, 28, 28);

    @TempDir
    Path dir;

    /** Randomly sparsifies and quantizes each weight layer of {@code net} in place; returns the quantized codes. */
    public static Map<String, Quantizer.Channels> compressRandomly(Net net, Random r) {
        Map<String, Quantizer.Channels> q = new LinkedHashMap<>();
        for (WeightLayers.WeightLayer l : WeightLayers.of(net)) {
            float[] rows = l.rows(net);
            double sparsity = r.nextInt(3) == 0 ? 0 : r.nextDouble() * 0.97;
            for (int i = 0; i < rows.length; i++) {
                if (r.nextDouble() < sparsity) {
                    rows[i] = 0f;
                }
            }
            int kind = r.nextInt(4);
            if (kind > 0) {
                Quantizer.Channels c = kind == 3 ? org.distill4j.math.WeightSharing.cluster(rows, 2 + r.nextInt(7))
                        : Quantizer.quantizeSymmetric(rows, l.channels(), 2 + r.nextInt(7));
                rows = c.values();
                q.put(l.key(), c);
            }
            l.setRows(net, rows);
        }
        return q;
    }

    @Test
    void exportThenLoadReproducesRandomCompressedNetworksExactly() throws Exception {
        Random r = new Random(7);
        List<Net> nets = new ArrayList<>();
        for (int seed = 0; seed < 3; seed++) {
            nets.add(Architectures.build(new MlpSpec(List.of(20 + seed * 17, 9), Activation.RELU, 0.0), "a",
                    IN, 10, seed));
        }
        nets.add(Architectures.build(new LeNet5Spec(Activation.RELU), "a", IN, 10, 3));
        nets.add(Architectures.build(new ResNetSpec(8, 4), "a", IN, 10, 4));
        // a network whose hidden activations carry frozen quantization ranges (part of the architecture)
        Net withActs = Architectures.build(new MlpSpec(List.of(30), Activation.RELU, 0.0), "a", IN, 10, 5)
                .mapActivations((name, a) -> name.equals("output") ? a : new QuantizedActivation(a, 8, 0.9, 1));
        withActs.fit(new DataSet(Nd4j.rand(16, IN.flat()), Nd4j.eye(16).getColumns(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)));
        nets.add(withActs);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 33, IN.flat());
        for (int i = 0; i < nets.size(); i++) {
            Net net = nets.get(i);
            Map<String, Quantizer.Channels> q = compressRandomly(net, r);
            boolean huffman = i % 2 == 0;
            Path file = dir.resolve("m" + i + ".d4jc");
            CompactModel.Summary s = CompactModel.write(net, q, huffman, file);
            assertEquals(Files.size(file), s.fileBytes());
            assertEquals(CompactModel.versionFor(q), Files.readAllBytes(file)[4]);
            Net back = Net.load(file);
            for (Map.Entry<String, INDArray> e : net.model().paramTable().entrySet()) {
                assertArrayEquals(e.getValue().dup('c').data().asFloat(),
                        back.model().paramTable().get(e.getKey()).dup('c').data().asFloat(),
                        "net " + i + " parameter " + e.getKey());
            }
            assertArrayEquals(net.output(x).data().asFloat(), back.output(x).data().asFloat(), "net " + i + " logits");
            assertEquals(net.activations().toString(), back.activations().toString());
        }
    }

    /** A one-hidden-layer MLP whose first weight matrix is set by {@code fill(channel, index)}. */
    static Net mlpWith(int hidden, java.util.function.IntUnaryOperator sign, float magnitude) {
        Net net = Architectures.build(new MlpSpec(List.of(hidden), Activation.RELU, 0.0), "a", IN, 10, 1);
        WeightLayers.WeightLayer l = WeightLayers.of(net).get(0);
        float[] rows = new float[(int) l.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = sign.applyAsInt(i) * magnitude;
        }
        l.setRows(net, rows);
        return net;
    }

    @Test
    void denseBitPackedBlockHasTheHandComputedSize() throws Exception {
        // 784 x 8 weights, all nonzero, 4-bit codes, no Huffman
        Random r = new Random(1);
        Net net = mlpWith(8, i -> r.nextBoolean() ? 1 : -1, 0.75f);
        WeightLayers.WeightLayer l = WeightLayers.of(net).get(0);
        float[] rows = l.rows(net);
        for (int i = 0; i < rows.length; i++) {
            rows[i] *= 1 + (i % 3) * 0.1f; // magnitudes 0.75..0.9, codes 5..7 at 4 bits: none is zero
        }
        Quantizer.Channels c = Quantizer.quantizeSymmetric(rows, 8, 4);
        l.setRows(net, c.values());
        List<CompactModel.Entry> entries = new ArrayList<>();
        CompactModel.encode(net, Map.of(l.key(), c), false, entries);
        CompactModel.Entry e = entries.get(0);
        assertEquals("0_W", e.key());
        // key (2 + 3) + rank 1 + 2 dims x 4 + block kind 1 + channels 4 + bits 1 + 8 scales x 4 + index bits 1 +
        // packing flag 1 + 6272 x 4 bits
        assertEquals(5 + 1 + 8 + 1 + 4 + 1 + 32 + 1 + 1 + 6272 * 4 / 8, e.bytes());
        assertEquals("dense, 4-bit codes", e.encoding());
        assertEquals(4 * 6272, e.denseBytes());
        // biases stay fp32: key "0_b" (2 + 3) + rank 1 + 1 dim x 4 + kind 1 + 8 floats
        assertEquals(5 + 1 + 4 + 1 + 32, entries.get(1).bytes());
    }

    @Test
    void aSharedCodebookBlockHasTheHandComputedSizeAndVersion3() throws Exception {
        // 784 x 8 weights in three magnitudes: a 2-bit codebook {0, and three centroids} holds them exactly
        Net net = mlpWith(8, i -> i % 2 == 0 ? 1 : -1, 0.5f);
        WeightLayers.WeightLayer l = WeightLayers.of(net).get(0);
        float[] rows = l.rows(net);
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i % 3 == 0 ? -0.5f : i % 3 == 1 ? 0.25f : 1.0f;
        }
        Quantizer.Channels c = org.distill4j.math.WeightSharing.cluster(rows, 2);
        assertArrayEquals(new float[]{0f, -0.5f, 0.25f, 1.0f}, c.codebook());
        assertArrayEquals(rows, c.values());
        l.setRows(net, c.values());
        List<CompactModel.Entry> entries = new ArrayList<>();
        byte[] file = CompactModel.encode(net, Map.of(l.key(), c), false, entries);
        assertEquals(CompactModel.VERSION_SHARED, file[4]);
        // key (2 + 3) + rank 1 + 2 dims x 4 + block kind 1 + channels 4 + bits 1 + 4 centroids x 4 + index bits 1 +
        // packing flag 1 + 6272 x 2 bits
        assertEquals(5 + 1 + 8 + 1 + 4 + 1 + 16 + 1 + 1 + 6272 * 2 / 8, entries.get(0).bytes());
        assertEquals("dense, 2-bit codebook indices", entries.get(0).encoding());
        Net back = CompactModel.decode(file, "m.d4jc");
        assertArrayEquals(rows, WeightLayers.of(back).get(0).rows(back));
        // without a codebook the file stays at version 2
        assertEquals(CompactModel.VERSION, CompactModel.encode(net, Map.of(), false, new ArrayList<>())[4]);
    }

    @Test
    void sparseBlockPicksTheIndexWidthThatNeedsNoFillers() throws Exception {
        // every 10th weight nonzero: gaps of 9 fit 4-bit indices; 2 and 3 bits need fillers, 5..8 waste bits
        Net net = mlpWith(8, i -> i % 10 == 9 ? 1 : 0, 0.5f);
        WeightLayers.WeightLayer l = WeightLayers.of(net).get(0);
        Quantizer.Channels c = Quantizer.quantizeSymmetric(l.rows(net), 8, 6);
        l.setRows(net, c.values());
        List<CompactModel.Entry> entries = new ArrayList<>();
        CompactModel.encode(net, Map.of(l.key(), c), false, entries);
        CompactModel.Entry e = entries.get(0);
        int kept = 6272 / 10;
        assertEquals("sparse 4-bit index, 6-bit codes", e.encoding());
        // header 5 + 1 + 8 + 1, channels 4, bits 1, scales 32, index bits 1, entry count 4,
        // flag 1 + gaps, flag 1 + codes
        assertEquals(15 + 4 + 1 + 32 + 1 + 4 + 1 + (kept * 4 + 7) / 8 + 1 + (kept * 6 + 7) / 8, e.bytes());
        assertEquals(0.9, e.sparsity(), 0.001);
        assertTrue(e.ratio() > 10, "ratio " + e.ratio());
    }

    @Test
    void huffmanShrinksSkewedCodes() throws Exception {
        // 95% of codes are +-1 at 8 bits: Huffman must beat 8 bits per weight by far
        Random r = new Random(3);
        Net net = mlpWith(8, i -> r.nextInt(20) == 0 ? 100 : (r.nextBoolean() ? 1 : -1), 0.01f);
        WeightLayers.WeightLayer l = WeightLayers.of(net).get(0);
        Quantizer.Channels c = Quantizer.quantizeSymmetric(l.rows(net), 8, 8);
        l.setRows(net, c.values());
        List<CompactModel.Entry> plain = new ArrayList<>();
        List<CompactModel.Entry> coded = new ArrayList<>();
        CompactModel.encode(net, Map.of(l.key(), c), false, plain);
        CompactModel.encode(net, Map.of(l.key(), c), true, coded);
        assertTrue(coded.get(0).encoding().contains("(huffman)"), coded.get(0).encoding());
        assertTrue(coded.get(0).bytes() < plain.get(0).bytes() / 3,
                coded.get(0).bytes() + " vs " + plain.get(0).bytes());
    }

    @Test
    void weightsThatAreNotTheirCodesAreRefused() {
        Net net = mlpWith(8, i -> 1, 0.3f);
        WeightLayers.WeightLayer l = WeightLayers.of(net).get(0);
        Quantizer.Channels c = Quantizer.quantizeSymmetric(l.rows(net), 8, 4);
        // the network still holds float weights 0.3, not code x scale for a different layer state
        float[] rows = l.rows(net);
        rows[0] = 0.1f;
        l.setRows(net, rows);
        assertThrows(IllegalStateException.class,
                () -> CompactModel.encode(net, Map.of(l.key(), c), true, new ArrayList<>()));
    }

    static final String DAMAGED = ": damaged (checksum mismatch: the file was changed or corrupted after it was "
            + "written)";

    /** A small quantized, Huffman-coded MLP written to {@code name}; returns its bytes. */
    byte[] writeSmall(Path file) throws Exception {
        Net net = mlpWith(8, i -> i % 3 == 0 ? 0 : (i % 2 == 0 ? 1 : -1), 0.3f);
        WeightLayers.WeightLayer l = WeightLayers.of(net).get(0);
        Quantizer.Channels c = Quantizer.quantizeSymmetric(l.rows(net), 8, 4);
        l.setRows(net, c.values());
        CompactModel.write(net, Map.of(l.key(), c), true, file);
        return Files.readAllBytes(file);
    }

    /** The message of the one-line model-file error that loading {@code bytes} as {@code file} gives. */
    static String loadError(Path file, byte[] bytes) throws Exception {
        Files.write(file, bytes);
        InputException e = assertThrows(InputException.class, () -> Net.load(file));
        assertEquals(InputException.Kind.MODEL_FILE, e.kind());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    /** The same payload as a version-1 file: magic, version byte 1, payload; no length, no checksum. */
    static byte[] asVersion1(byte[] v2) {
        byte[] v1 = new byte[v2.length - 8];
        System.arraycopy(v2, 0, v1, 0, 4);
        v1[4] = 1;
        System.arraycopy(v2, 9, v1, 5, v2.length - 13);
        return v1;
    }

    @Test
    void layoutIsHeaderLengthPayloadAndCrc32cOfAllBefore() throws Exception {
        byte[] b = writeSmall(dir.resolve("m.d4jc"));
        assertArrayEquals("D4JC".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Arrays.copyOf(b, 4));
        assertEquals(2, b[4]);
        ByteBuffer buf = ByteBuffer.wrap(b);
        assertEquals(b.length - 4 - 1 - 4 - 4, buf.getInt(5));
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        assertEquals((int) crc.getValue(), buf.getInt(b.length - 4));
    }

    @Test
    void aFlippedBitAnywhereAfterTheVersionIsACheckedDamage() throws Exception {
        Path file = dir.resolve("m.d4jc");
        byte[] good = writeSmall(file);
        // the middle, the graph flag, the configuration, each byte of the length field, the checksum itself
        for (int at : new int[] {good.length / 2, 9, 20, 5, 6, 7, 8, good.length - 1, good.length - 4}) {
            for (int bit : new int[] {0, 7}) {
                byte[] bad = good.clone();
                bad[at] ^= (byte) (1 << bit);
                assertEquals(file + DAMAGED, loadError(file, bad), "bit " + bit + " of byte " + at);
            }
        }
    }

    @Test
    void bytesAfterTheEndAreNamed() throws Exception {
        Path file = dir.resolve("m.d4jc");
        byte[] good = writeSmall(file);
        byte[] longer = Arrays.copyOf(good, good.length + 17);
        assertEquals(file + " has 17 bytes after its end", loadError(file, longer));
        longer[good.length + 3] = 42;
        assertEquals(file + " has 17 bytes after its end", loadError(file, longer));
    }

    @Test
    void aCutAnywhereSaysHowMuchIsLeft() throws Exception {
        Path file = dir.resolve("m.d4jc");
        byte[] good = writeSmall(file);
        for (int n : new int[] {0, 2, 4, 5, 8}) {
            assertEquals(file + " is cut short: " + n + " bytes, inside its header",
                    loadError(file, Arrays.copyOf(good, n)), "cut at " + n);
        }
        for (int n : new int[] {9, 12, 13, good.length / 2, good.length - 4, good.length - 1}) {
            assertEquals(file + " is cut short: " + n + " of " + good.length + " bytes",
                    loadError(file, Arrays.copyOf(good, n)), "cut at " + n);
        }
    }

    @Test
    void foreignFilesAndFutureVersionsAreRefusedByName() throws Exception {
        Path file = dir.resolve("m.d4jc");
        byte[] good = writeSmall(file);
        byte[] future = good.clone();
        future[4] = 4;
        assertEquals(file + ": compact model format version 4; this distill4j reads versions 1 to 3",
                loadError(file, future));
        byte[] flippedMagic = good.clone();
        flippedMagic[1] ^= 1;
        assertEquals(file + " is not a distill4j compact model (no D4JC header)", loadError(file, flippedMagic));
        assertEquals(file + " is not a distill4j compact model (no D4JC header)",
                loadError(file, "a text file, not a model".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Test
    void version1FilesStillLoadAndTheirDamageIsOneLineNamingTheFile() throws Exception {
        Path v2 = dir.resolve("m.d4jc");
        byte[] good = writeSmall(v2);
        Net expected = Net.load(v2);
        Path file = dir.resolve("v1.d4jc");
        byte[] v1 = asVersion1(good);
        Files.write(file, v1);
        Net back = Net.load(file);
        for (Map.Entry<String, INDArray> e : expected.model().paramTable().entrySet()) {
            assertArrayEquals(e.getValue().dup('c').data().asFloat(),
                    back.model().paramTable().get(e.getKey()).dup('c').data().asFloat(), e.getKey());
        }
        String noChecksum = " (format version 1 carries no checksum)";
        for (int n : new int[] {6, v1.length / 2, v1.length - 1}) {
            assertEquals(file + " is cut short or damaged: its data ends early" + noChecksum,
                    loadError(file, Arrays.copyOf(v1, n)), "cut at " + n);
        }
        assertEquals(file + " has 17 bytes after its end" + noChecksum,
                loadError(file, Arrays.copyOf(v1, v1.length + 17)));
        // the configuration's length is its first int: a negative one used to be "len < 0"
        byte[] negative = v1.clone();
        negative[6] = (byte) 0xff;
        assertEquals(file + " is damaged: the configuration has a negative length" + noChecksum,
                loadError(file, negative));
        byte[] huge = v1.clone();
        huge[6] = 0x7f;
        assertEquals(file + " is cut short or damaged: its data ends early" + noChecksum, loadError(file, huge));
    }

    /**
     * A version-1 file committed with an official run (written before format 2) still loads: every weight matrix
     * has the sparsity and the number of distinct values per output channel its run's export.json reports.
     */
    @Test
    void aCommittedVersion1ExportStillLoads() throws Exception {
        Path run = Path.of("experiments/official/fashion-mnist-mlp_prune_quant");
        byte[] bytes = Files.readAllBytes(run.resolve("export.d4jc"));
        assertEquals(1, bytes[4], "the committed file is format version 1");
        Net net = Net.load(run.resolve("export.d4jc"));
        JsonNode params = Json.MAPPER.readTree(run.resolve("export.json").toFile()).path("params");
        Map<String, INDArray> table = net.model().paramTable();
        assertEquals(params.size(), table.size());
        for (JsonNode p : params) {
            float[] v = table.get(p.path("param").asText()).dup('c').data().asFloat();
            assertEquals(p.path("values").asLong(), v.length);
            long zeros = 0;
            for (float f : v) {
                zeros += f == 0f ? 1 : 0;
            }
            assertEquals(p.path("sparsity").asDouble(), (double) zeros / v.length, 0.5 / v.length,
                    p.path("param").asText());
        }
        for (WeightLayers.WeightLayer l : WeightLayers.of(net)) {
            float[] rows = l.rows(net);
            int per = rows.length / l.channels();
            for (int c = 0; c < l.channels(); c++) {
                long distinct = IntStream.range(c * per, (c + 1) * per).mapToObj(i -> rows[i]).distinct().count();
                assertTrue(distinct <= 63, l.layer() + " channel " + c + ": " + distinct + " values at 6 bits");
            }
        }
    }

    @Test
    void quantizedActivationSurvivesJson() {
        QuantizedActivation a = new QuantizedActivation(new ActivationReLU(), 6, 0.9, 10);
        a.getActivation(Nd4j.createFromArray(new float[] {-1f, 0.5f, 2f}), true);
        Net net = Architectures.build(new MlpSpec(List.of(5), Activation.RELU, 0.0), "a", IN, 10, 1)
                .mapActivations((name, x) -> name.equals("dense1") ? a : x);
        String json = ((MultiLayerNetwork) net.model()).getLayerWiseConfigurations().toJson();
        var back = org.deeplearning4j.nn.conf.MultiLayerConfiguration.fromJson(json);
        var act = ((org.deeplearning4j.nn.conf.layers.BaseLayer) back.getConf(0).getLayer()).getActivationFn();
        assertEquals(a, act);
        assertArrayEquals(new double[] {0.0, 2.0}, ((QuantizedActivation) act).range());
    }
}
