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
 * The image-folder path end to end: the bundled sample exported as PNG folders, then the quick ONNX-teacher run on
 * the folders and on the IDX files gives the same accuracies (same images in the same order, same seed); a folder
 * that is not there is a one-line error that leaves nothing behind.
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
                "dataset.train=" + images.resolve("train"), "--set", "dataset.test=" + images.resolve("test")}, fewer)));
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
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
