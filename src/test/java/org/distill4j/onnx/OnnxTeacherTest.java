package org.distill4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.distill4j.config.ConfigException;
import org.distill4j.config.InputException;
import org.distill4j.config.ModelConfig;
import org.distill4j.config.OnnxModelConfig;
import org.distill4j.data.Batches;
import org.distill4j.data.Datasets;
import org.distill4j.data.FashionMnist;
import org.distill4j.data.ImageDataset;
import org.distill4j.eval.Evaluator;
import org.distill4j.model.Architectures;
import org.distill4j.spi.OnnxTeacher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX teachers: the committed PyTorch teacher gives, inside distill4j, the logits PyTorch stored beside it; layouts,
 * normalization and the one-line errors, on small graphs built here.
 */
class OnnxTeacherTest {
    private static final Path TEACHER = Path.of("experiments/teachers/fashion_cnn_pytorch");
    private static final Architectures.InputShape MNIST = new Architectures.InputShape(1, 28, 28);

    @TempDir
    Path tmp;

    private static ModelConfig spec(Path file, OnnxModelConfig o) {
        return new ModelConfig(null, file.toString(), o);
    }

    private static OnnxModelConfig opts(String layout, List<Double> mean, List<Double> std) {
        return new OnnxModelConfig(null, null, layout == null ? null : OnnxModelConfig.Layout.valueOf(layout), mean,
                std, 1);
    }

    @Test
    void pytorchTeacherGivesThePytorchLogitsOnTheBundledSample() throws IOException {
        JsonNode info = new ObjectMapper().readTree(TEACHER.resolve("teacher.json").toFile());
        JsonNode fixture = info.get("fixture").get("logits");
        List<Double> mean = List.of(info.get("mean").get(0).asDouble());
        List<Double> std = List.of(info.get("std").get(0).asDouble());
        ImageDataset test = FashionMnist.load(Path.of(Datasets.SAMPLE_DIR), "fashion-mnist-sample", false).test();
        Batches b = new Batches(test, null);
        INDArray x = b.features(b.inOrder(), 0, fixture.size(), null);
        try (OnnxTeacher t = OnnxTeacher.open("teacher", spec(TEACHER.resolve("model.onnx"), opts(null, mean, std)),
                MNIST, 10)) {
            float[] got = Evaluator.floats(t.logits(x));
            double worst = 0;
            for (int i = 0; i < fixture.size(); i++) {
                for (int k = 0; k < 10; k++) {
                    worst = Math.max(worst, Math.abs(got[i * 10 + k] - fixture.get(i).get(k).asDouble()));
                }
            }
            assertTrue(worst <= 1e-4, "max |ONNX Runtime - PyTorch| = " + worst);
            // the stored sample accuracy is PyTorch's; the same model here, through the same pipeline, agrees
            double acc = Evaluator.accuracy(m -> Evaluator.floats(t.logits(m)), b, 128, Integer.MAX_VALUE);
            assertEquals(info.get("sample_test_accuracy_pytorch").asDouble(), acc, 1e-9);
            // PyTorch's export folds each BatchNorm into the conv before it: its scale and shift (2 x 96) go
            assertEquals(info.get("params").asLong() - 2 * (32 + 64), t.params());
        }
    }

    @Test
    void cachedAndPerBatchTeacherLogitsAgree() throws IOException {
        JsonNode info = new ObjectMapper().readTree(TEACHER.resolve("teacher.json").toFile());
        ImageDataset train = FashionMnist.load(Path.of(Datasets.SAMPLE_DIR), "fashion-mnist-sample", false).train();
        Batches b = new Batches(train, null);
        int n = 300;
        try (OnnxTeacher t = OnnxTeacher.open("teacher", spec(TEACHER.resolve("model.onnx"),
                opts(null, List.of(info.get("mean").get(0).asDouble()), List.of(info.get("std").get(0).asDouble()))),
                MNIST, 10)) {
            // the cache: every training image once, in order, in inference batches of 128
            float[] cached = Evaluator.floats(org.distill4j.spi.Objective.teacherLogits(t, b));
            // per batch: a shuffled epoch in training batches of 64, as distillation with augmentation runs it
            int[] order = b.inOrder().clone();
            Integer[] boxed = java.util.Arrays.stream(order).boxed().toArray(Integer[]::new);
            java.util.Collections.shuffle(java.util.Arrays.asList(boxed), new Random(5));
            for (int i = 0; i < order.length; i++) {
                order[i] = boxed[i];
            }
            int[] position = new int[order.length];
            int[] inOrder = b.inOrder();
            for (int i = 0; i < inOrder.length; i++) {
                position[inOrder[i]] = i;
            }
            double worst = 0;
            for (int from = 0; from < n; from += 64) {
                int to = Math.min(n, from + 64);
                float[] got = Evaluator.floats(t.logits(b.trainingBatch(order, from, to, null).features()));
                for (int i = from; i < to; i++) {
                    int row = position[order[i]];
                    for (int k = 0; k < 10; k++) {
                        worst = Math.max(worst, Math.abs(got[(i - from) * 10 + k] - cached[row * 10 + k]));
                    }
                }
            }
            assertTrue(worst <= 1e-5, "max |per batch - cached| = " + worst);
        }
    }

    /**
     * A linear classifier {@code logits = norm(x) · W + b} over 2x3x4 images, with its input in {@code layout}
     * ({@code nchw}, {@code nhwc} or {@code flat}): the same weights, indexed channel-major, whatever the layout.
     */
    static Path linear(Path file, String layout, float[] w, float[] bias, int classes) throws IOException {
        OnnxGraph g = new OnnxGraph();
        long[] in = switch (layout) {
            case "nchw" -> new long[]{-1, 2, 3, 4};
            case "nhwc" -> new long[]{-1, 3, 4, 2};
            default -> new long[]{-1, 24};
        };
        String x = "image";
        if (layout.equals("nhwc")) {
            x = g.node("Transpose", "to_nchw", new String[]{x}, OnnxGraph.ints("perm", 0, 3, 1, 2));
        }
        String flat = g.node("Reshape", "flat", new String[]{x, g.longs("shape", new long[]{-1, 24}, 2)});
        String mm = g.node("MatMul", "mm", new String[]{flat, g.floats("w", w, 24, classes)});
        g.node("Add", "logits", new String[]{mm, g.floats("b", bias, classes)});
        g.graph.setName("linear").addInput(OnnxGraph.value("image", in)).addOutput(OnnxGraph.value("logits", -1,
                classes));
        OnnxMl.ModelProto m = OnnxMl.ModelProto.newBuilder().setIrVersion(7).setGraph(g.graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).build();
        Files.write(file, m.toByteArray());
        return file;
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** The expected logits, computed here in plain Java from channel-major rows. */
    private static float[] expected(float[] rows, int n, float[] w, float[] b, float[] mean, float[] std, int k) {
        float[] out = new float[n * k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double s = b[c];
                for (int j = 0; j < 24; j++) {
                    int ch = j / 12;
                    s += (rows[i * 24 + j] - mean[ch]) / std[ch] * w[j * k + c];
                }
                out[i * k + c] = (float) s;
            }
        }
        return out;
    }

    @Test
    void everyLayoutWithPerChannelNormalizationGivesTheHandComputedLogits() throws IOException {
        Architectures.InputShape shape = new Architectures.InputShape(2, 3, 4);
        float[] w = random(24 * 5, 1);
        float[] b = random(5, 2);
        float[] rows = random(3 * 24, 3);
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Math.abs(rows[i]) % 1f;
        }
        float[] mean = {0.25f, 0.5f};
        float[] std = {0.5f, 2f};
        float[] want = expected(rows, 3, w, b, mean, std, 5);
        for (String layout : List.of("nchw", "nhwc", "flat")) {
            Path f = linear(tmp.resolve(layout + ".onnx"), layout, w, b, 5);
            OnnxModelConfig o = opts(layout.equals("flat") ? null : layout.toUpperCase(), List.of(0.25, 0.5),
                    List.of(0.5, 2.0));
            try (OnnxTeacher t = OnnxTeacher.open("teacher", spec(f, o), shape, 5)) {
                float[] got = Evaluator.floats(t.logits(Nd4j.create(rows, new long[]{3, 24}, 'c')));
                assertArrayEquals(want, got, 1e-4f, layout);
                assertTrue(t.describe().contains("ONNX model"), t.describe());
            }
        }
        // a flat input fed a flattened HWC image (a Keras Flatten): the same weights, rows in HWC order
        float[] hwc = new float[w.length];
        for (int c = 0; c < 2; c++) {
            for (int j = 0; j < 12; j++) {
                System.arraycopy(w, (c * 12 + j) * 5, hwc, (j * 2 + c) * 5, 5);
            }
        }
        Path f = linear(tmp.resolve("flat-hwc.onnx"), "flat", hwc, b, 5);
        try (OnnxTeacher t = OnnxTeacher.open("teacher", spec(f, opts("NHWC", List.of(0.25, 0.5), List.of(0.5, 2.0))),
                shape, 5)) {
            assertArrayEquals(want, Evaluator.floats(t.logits(Nd4j.create(rows, new long[]{3, 24}, 'c'))), 1e-4f);
            assertTrue(t.describe().contains("flat hwc"), t.describe());
        }
    }

    @Test
    void badTeachersAreOneLineErrorsNamingTheirKey() throws IOException {
        Architectures.InputShape shape = new Architectures.InputShape(2, 3, 4);
        float[] w = random(24 * 5, 1);
        float[] b = random(5, 2);
        Path nhwc = linear(tmp.resolve("nhwc.onnx"), "nhwc", w, b, 5);
        ConfigException e = assertThrows(ConfigException.class,
                () -> OnnxTeacher.open("teacher", spec(nhwc, opts(null, null, null)), shape, 5));
        assertEquals("teacher.input", e.path());
        assertTrue(e.getMessage().contains("[-1, 3, 4, 2]") && e.getMessage().contains("layout: nhwc"),
                e.getMessage());

        Path nchw = linear(tmp.resolve("nchw.onnx"), "nchw", w, b, 5);
        e = assertThrows(ConfigException.class, () -> OnnxTeacher.open("teacher", spec(nchw, opts(null, null, null)),
                shape, 10));
        assertEquals("teacher.output", e.path());
        assertTrue(e.getMessage().contains("gives 5 values per image; the dataset has 10 classes"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> OnnxTeacher.open("teacher", spec(nchw,
                new OnnxModelConfig("pixels", null, null, null, null, 1)), shape, 5));
        assertEquals("teacher.input", e.path());
        assertTrue(e.getMessage().contains("no input 'pixels'; its inputs: image [-1, 2, 3, 4]"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> OnnxTeacher.open("teacher", spec(nchw,
                opts(null, List.of(0.1, 0.2, 0.3), null)), shape, 5));
        assertEquals("teacher.mean", e.path());

        e = assertThrows(ConfigException.class, () -> OnnxTeacher.open("teacher", spec(nchw, opts(null, null, null)),
                MNIST, 5));
        assertEquals("teacher.input", e.path());

        Path junk = Files.writeString(tmp.resolve("junk.onnx"), "not a model");
        InputException ie = assertThrows(InputException.class,
                () -> OnnxTeacher.open("teacher", spec(junk, opts(null, null, null)), shape, 5));
        assertEquals(InputException.Kind.MODEL_FILE, ie.kind());
        assertTrue(ie.getMessage().startsWith("teacher.load: ") && !ie.getMessage().contains("\n"), ie.getMessage());
    }
}
