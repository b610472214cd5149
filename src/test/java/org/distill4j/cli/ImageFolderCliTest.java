package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.run.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image-folder and CSV paths end to end: the bundled sample exported as PNG folders (and as CSV), then the quick
 * ONNX-teacher run on them and on the IDX files gives the same accuracies (same images in the same order, same seed);
 * RGB 32x32 folders train every architecture; a folder that is not there is a one-line error that leaves nothing
 * behind.
 */
class ImageFolderCliTest {
    @TempDir
    Path tmp;

    private static JsonNode models(CliTest.Result r) throws Exception {
        assertEquals(0, r.code(), r.err());
        return Json.MAPPER.readTree(Path.of(r.out().strip()).resolve("summary.json").toFile()).path("models");
    }

    @Test
    void aRunOnTheExportedFoldersEqualsTheRunOnTheIdxFiles() throws Exception {
        Path images = tmp.resolve("images");
        assertEquals(0, CliTest.run("data", "export", "--dataset", "fashion-mnist-sample", "--out",
                images.toString()).code());
        String[] fewer = {"--set", "stages.train-baseline.epochs=2", "--set", "stages.distill.epochs=2"};
        JsonNode folders = models(CliTest.run(concat(new String[]{"train", "--config",
                "configs/quick/distill-image-folder.yaml", "--set", "output.dir=" + tmp.resolve("a"), "--set",
                "dataset.train=" + images.resolve("train"), "--set", "dataset.test=" + images.resolve("test")},
                fewer)));
        JsonNode idx = models(CliTest.run(concat(new String[]{"train", "--config",
                "configs/quick/distill-onnx-teacher.yaml", "--set", "output.dir=" + tmp.resolve("b")}, fewer)));
        for (String m : new String[]{"teacher", "baseline", "student"}) {
            assertEquals(idx.path(m).path("test_accuracy").asDouble(), folders.path(m).path("test_accuracy")
                    .asDouble(), 1e-12, m);
        }

        CliTest.Result bad = CliTest.run("train", "--config", "configs/quick/distill-image-folder.yaml", "--set",
                "output.dir=" + tmp.resolve("c"), "--set", "dataset.train=" + tmp.resolve("nowhere"));
        assertEquals(2, bad.code());
        assertEquals("error: dataset.train: " + tmp.resolve("nowhere") + " not found", bad.err().strip());
        assertFalse(Files.exists(tmp.resolve("c")));
        String prov = Files.readString(tmp.resolve("a").resolve("distill-image-folder").toFile().listFiles()[0]
                .toPath().resolve("provenance.json"));
        assertTrue(prov.contains("image-folder:test"), prov);
        Path run = tmp.resolve("a").resolve("distill-image-folder").toFile().listFiles()[0].toPath();
        assertEquals("0_T-shirt_top", Json.MAPPER.readTree(run.resolve("summary.json").toFile()).path("classes")
                .get(0).asText(), "the summary records the folders' class names");
    }

    @Test
    void aRunOnTheExportedCsvEqualsTheRunOnTheIdxFiles() throws Exception {
        Path csv = tmp.resolve("csv");
        assertEquals(0, CliTest.run("data", "export", "--dataset", "fashion-mnist-sample", "--format", "csv", "--out",
                csv.toString()).code());
        String[] fewer = {"--set", "stages.train-baseline.epochs=2", "--set", "stages.distill.epochs=2"};
        JsonNode rows = models(CliTest.run(concat(new String[]{"train", "--config", "configs/quick/distill-csv.yaml",
                "--set", "output.dir=" + tmp.resolve("a"), "--set", "dataset.train=" + csv.resolve("train.csv"),
                "--set", "dataset.test=" + csv.resolve("test.csv")}, fewer)));
        JsonNode idx = models(CliTest.run(concat(new String[]{"train", "--config",
                "configs/quick/distill-onnx-teacher.yaml", "--set", "output.dir=" + tmp.resolve("b")}, fewer)));
        for (String m : new String[]{"teacher", "baseline", "student"}) {
            assertEquals(idx.path(m).path("test_accuracy").asDouble(), rows.path(m).path("test_accuracy")
                    .asDouble(), 1e-12, m);
        }
    }

    /** {@code n} RGB {@code size x size} PNGs of noise around {@code rgb} in {@code dir}. */
    private static void images(Path dir, int n, int size, int[] rgb, java.util.Random r) throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(size, size,
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int[] c = new int[3];
                    for (int k = 0; k < 3; k++) {
                        c[k] = Math.max(0, Math.min(255, rgb[k] + (int) (r.nextGaussian() * 40)));
                    }
                    img.setRGB(x, y, c[0] << 16 | c[1] << 8 | c[2]);
                }
            }
            javax.imageio.ImageIO.write(img, "png", dir.resolve(String.format("%03d.png", i)).toFile());
        }
    }

    @Test
    void everyArchitectureTrainsOnRgb32x32Folders() throws Exception {
        java.util.Random r = new java.util.Random(3);
        for (String split : new String[]{"train", "test"}) {
            int n = split.equals("train") ? 48 : 16;
            images(tmp.resolve("rgb").resolve(split).resolve("reddish"), n, 32, new int[]{170, 90, 90}, r);
            images(tmp.resolve("rgb").resolve(split).resolve("bluish"), n, 32, new int[]{90, 90, 170}, r);
        }
        String[][] pairs = {{"{arch: resnet, depth: 8, width: 4}", "{arch: lenet5}", "0.001"},
                {"{arch: layers, layers: [{type: conv, filters: 4}, {type: pool, pool: max}, "
                        + "{type: global-pool, pool: avg}]}",
                        "{arch: mlp, hidden: [16]}", "0.02"}};
        for (String[] pair : pairs) {
            Path cfg = Files.writeString(tmp.resolve("rgb.yaml"), """
                    version: 1
                    dataset: {name: image-folder, train: %s, test: %s, height: 32, width: 32, channels: 3}
                    teacher: %s
                    student: %s
                    stages:
                      - {type: train, model: teacher, epochs: 4, batch_size: 16, optimizer: {type: adam, lr: %s}}
                      - {type: distill, epochs: 4, batch_size: 16}
                      - {type: evaluate}
                    output: {dir: %s}
                    """.formatted(tmp.resolve("rgb/train"), tmp.resolve("rgb/test"), pair[0], pair[1], pair[2],
                    tmp.resolve("rgb-runs")));
            JsonNode m = models(CliTest.run("train", "--config", cfg.toString()));
            assertTrue(m.path("teacher").path("test_accuracy").asDouble() >= 0.9, pair[0] + ": " + m);
            assertTrue(m.path("student").path("test_accuracy").asDouble() >= 0.9, pair[1] + ": " + m);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
