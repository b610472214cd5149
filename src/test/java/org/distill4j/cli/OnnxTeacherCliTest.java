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
 * ONNX teachers through {@code distill train}: the committed PyTorch teacher distilled into a DL4J student on the
 * bundled sample (its accuracy inside distill4j is PyTorch's); a teacher distill4j trained and exported to ONNX
 * loaded back as an ONNX teacher; a file that is not a model is a one-line error and leaves no run behind.
 */
class OnnxTeacherCliTest {
    @TempDir
    Path tmp;

    @Test
    void thePytorchTeacherDistillsIntoADl4jStudent() throws Exception {
        CliTest.Result r = CliTest.run("train", "--config", "configs/quick/distill-onnx-teacher.yaml", "--set",
                "output.dir=" + tmp, "--set", "stages.train-baseline.epochs=2", "--set", "stages.distill.epochs=2");
        assertEquals(0, r.code(), r.err());
        Path run = Path.of(r.out().strip());
        JsonNode models = Json.MAPPER.readTree(run.resolve("summary.json").toFile()).path("models");
        JsonNode info = Json.MAPPER.readTree(Path.of("experiments/teachers/fashion_cnn_pytorch/teacher.json")
                .toFile());
        assertEquals(info.path("sample_test_accuracy_pytorch").asDouble(),
                models.path("teacher").path("test_accuracy").asDouble(), 1e-12);
        assertTrue(models.path("student").path("test_accuracy").asDouble() > 0.7, models.toString());
        assertFalse(Files.exists(run.resolve("checkpoints/models/teacher.zip")));
        String log = Files.readString(run.resolve("train.log"));
        assertTrue(log.contains("teacher: ONNX model experiments/teachers/fashion_cnn_pytorch/model.onnx (input "
                + "'image' [-1, 1, 28, 28] nchw, output 'logits'), run by ONNX Runtime"), log);
        assertTrue(log.contains("teacher logits cached"), log);
        Path model = Path.of("experiments/teachers/fashion_cnn_pytorch/model.onnx");
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(model)));
        assertEquals(sha, Json.MAPPER.readTree(run.resolve("provenance.json").toFile()).path("data")
                .path("content_sha256").path("teacher.load " + model).asText(), "the teacher file's hash");
    }

    @Test
    void aTeacherExportedToOnnxTeachesAsItDidInDl4j() throws Exception {
        Path first = Files.writeString(tmp.resolve("teacher.yaml"), """
                version: 1
                name: make-teacher
                dataset: {name: fashion-mnist-sample}
                teacher: {arch: mlp, hidden: [64]}
                stages:
                  - {type: train, model: teacher, epochs: 2, batch_size: 64}
                  - {type: export, model: teacher, format: onnx}
                  - {type: evaluate}
                output: {dir: %s}
                """.formatted(tmp.resolve("runs")));
        CliTest.Result a = CliTest.run("train", "--config", first.toString());
        assertEquals(0, a.code(), a.err());
        Path teacherRun = Path.of(a.out().strip());
        double dl4j = Json.MAPPER.readTree(teacherRun.resolve("summary.json").toFile()).path("models")
                .path("teacher").path("test_accuracy").asDouble();
        Path onnx = teacherRun.resolve("export.onnx");
        assertTrue(Files.isRegularFile(onnx));

        Path second = Files.writeString(tmp.resolve("student.yaml"), """
                version: 1
                name: from-onnx
                dataset: {name: fashion-mnist-sample}
                teacher: {load: %s}
                student: {arch: mlp, hidden: [16]}
                stages:
                  - {type: distill, epochs: 1, batch_size: 64, cache_teacher: never}
                  - {type: evaluate}
                output: {dir: %s}
                """.formatted(onnx, tmp.resolve("runs")));
        CliTest.Result b = CliTest.run("train", "--config", second.toString());
        assertEquals(0, b.code(), b.err());
        Path run = Path.of(b.out().strip());
        JsonNode models = Json.MAPPER.readTree(run.resolve("summary.json").toFile()).path("models");
        // the export check held the logits to 1e-4 of their scale: at most a near-tie may flip
        assertEquals(dl4j, models.path("teacher").path("test_accuracy").asDouble(), 0.002);
        assertTrue(Files.readString(run.resolve("train.log")).contains("teacher runs on every batch"));

        Path bad = Files.writeString(tmp.resolve("bad.onnx"), "not a model");
        CliTest.Result c = CliTest.run("train", "--config", second.toString(), "--set", "teacher.load=" + bad,
                "--set", "output.dir=" + tmp.resolve("bad-runs"));
        assertEquals(2, c.code(), c.err());
        assertEquals(1, c.err().lines().count(), c.err());
        assertTrue(c.err().startsWith("error: teacher.load: " + bad + " is not a model ONNX Runtime can run: "),
                c.err());
        assertFalse(Files.exists(tmp.resolve("bad-runs")));
    }
}
