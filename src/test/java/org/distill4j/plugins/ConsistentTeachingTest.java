package org.distill4j.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distill4j.run.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixup and CutMix through {@code distill train}: the baseline trains on mixed batches with mixed labels, the
 * distill stage runs its teacher on every mixed batch (the logits cannot be cached) and records the seconds that
 * cost, and the same seed gives the same run.
 */
class ConsistentTeachingTest {
    static final String CONFIG = """
            version: 1
            seed: 5
            dataset: {name: fashion-mnist-sample, augment: {mixup: 0.4, cutmix: 1.0}}
            teacher: {arch: mlp, hidden: [32]}
            student: {arch: mlp, hidden: [16]}
            stages:
              - {type: train, model: teacher, epochs: 1}
              - {type: train, model: baseline, epochs: 1}
              - {type: distill, epochs: 2}
            """;

    @Test
    void mixedBatchesReachTheTeacherAndTheBaselineAlike(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("mix.yaml"), CONFIG);
        ExtensionTest.Result a = ExtensionTest.train(Plugins.BUILTIN, config, "output.dir=" + dir.resolve("a"));
        assertEquals(0, a.code(), a.err());
        Path run = Path.of(a.out().strip());
        String log = Files.readString(run.resolve("train.log"));
        assertTrue(log.contains("teacher runs on every batch"), "mixed batches cannot use cached logits");
        List<JsonNode> lines = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .map(ConsistentTeachingTest::json)
                .toList();
        assertEquals(4, lines.size());
        for (JsonNode m : lines) {
            boolean distill = m.path("stage").asText().equals("distill");
            assertEquals(distill, m.has("teacher_s"), m.toString());
            if (distill) {
                double t = m.path("teacher_s").asDouble();
                assertTrue(t > 0 && t < m.path("epoch_train_s").asDouble(), m.toString());
            }
        }
        double perEpoch = lines.stream().filter(m -> m.has("teacher_s"))
                .mapToDouble(m -> m.path("teacher_s").asDouble())
                .sum();
        JsonNode report = Json.MAPPER.readTree(run.resolve("summary.json").toFile()).path("stages").path("distill");
        assertEquals(perEpoch, report.path("teacher_s").asDouble(), 1e-9, "the stage reports the epochs' sum");
        // the labels are mixed: training on them leaves the loss above what one-hot labels allow (> 0 for sure,
        // and the same in a second run from the same seed)
        ExtensionTest.Result b = ExtensionTest.train(Plugins.BUILTIN, config, "output.dir=" + dir.resolve("b"));
        assertEquals(0, b.code(), b.err());
        List<String> again = Files.readAllLines(Path.of(b.out().strip()).resolve("metrics.jsonl"));
        for (int i = 0; i < lines.size(); i++) {
            JsonNode m = json(again.get(i));
            assertEquals(lines.get(i).path("loss").asDouble(), m.path("loss").asDouble(), 0.0);
            assertEquals(lines.get(i).path("test_acc").asDouble(), m.path("test_acc").asDouble(), 0.0);
        }
        assertFalse(Files.readString(run.resolve("config.resolved.yaml")).isEmpty());
        assertTrue(Files.readString(run.resolve("config.resolved.yaml")).contains("mixup: 0.4"));
    }

    private static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
