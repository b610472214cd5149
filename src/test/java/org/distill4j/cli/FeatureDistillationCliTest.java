package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distill4j.model.Architectures;
import org.distill4j.model.Net;
import org.distill4j.model.ResNetSpec;
import org.distill4j.run.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feature distillation through {@code distill train}: kd plus attention transfer plus a hint between two ResNets
 * trains, hands on a student of its own size (the regressor stays behind), resumes from a kill between an epoch's
 * metrics line and its checkpoint to the same result, and a layer that is not there (or two that do not fit) is a
 * one-line error before anything runs, listing the layers with their shapes.
 */
class FeatureDistillationCliTest {
    static final String CONFIG = """
            version: 1
            seed: 3
            dataset: {name: fashion-mnist-sample}
            teacher: {arch: resnet, depth: 8, width: 4}
            student: {arch: resnet, depth: 8, width: 2}
            stages:
              - {type: train, model: teacher, epochs: 1, optimizer: {type: adam, lr: 0.01}}
              - type: distill
                epochs: 2
                optimizer: {type: adam, lr: 0.01}
                losses:
                  - {type: kd, temperature: 2, alpha: 0.5}
                  - {type: at, student_layer: g2b1_relu, teacher_layer: g2b1_relu}
                  - {type: hint, student_layer: g3b1_relu, teacher_layer: g3b1_relu, weight: 0.5}
              - {type: evaluate}
            """;

    @TempDir
    static Path dir;
    static Path config;
    static Path reference;

    @BeforeAll
    static void uninterrupted() throws Exception {
        config = Files.writeString(dir.resolve("features.yaml"), CONFIG);
        CliTest.Result r = CliTest.run("train", "--config", config.toString(), "--set",
                "output.dir=" + dir.resolve("reference"));
        assertEquals(0, r.code(), r.err());
        reference = Path.of(r.out().strip());
    }

    @Test
    void theStudentHandedOnIsItsOwnSize() throws Exception {
        String log = Files.readString(reference.resolve("train.log"));
        assertTrue(log.contains("the feature losses need its [g2b1_relu, g3b1_relu]"), log);
        assertTrue(log.contains("attention transfer g2b1_relu -> g2b1_relu"), "the stage's loss in words");
        JsonNode summary = Json.MAPPER.readTree(reference.resolve("summary.json").toFile());
        long own = Architectures.build(new ResNetSpec(8, 2), "student.arch",
                new Architectures.InputShape(1, 28, 28), 10, 1).numParams();
        assertEquals(own, summary.path("models").path("student").path("params").asLong());
        assertEquals(own, Net.load(reference.resolve("distill.zip")).numParams(), "no regressor in the saved model");
        JsonNode stage = summary.path("stages").path("distill");
        assertFalse(stage.path("teacher_logits_cached").asBoolean());
        assertTrue(stage.path("teacher_s").asDouble() > 0, stage.toString());
        String resolved = Files.readString(reference.resolve("config.resolved.yaml"));
        assertTrue(resolved.contains("type: combined") && resolved.contains("student_layer: g3b1_relu")
                && resolved.contains("beta: 1000"), resolved);
        double acc = summary.path("models").path("student").path("test_accuracy").asDouble();
        assertTrue(acc > 0.3, "it learned (chance is 0.1): " + acc);
    }

    @Test
    void killedBeforeACheckpointResumesToTheSameResult() throws Exception {
        Path root = dir.resolve("halted");
        List<String> cmd = CliTest.javaCommand(List.of("-Xmx1g", "-Ddistill4j.fault=after-metrics:distill:2"),
                "train", "--config", config.toString(), "--set", "output.dir=" + root);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "features-halted.log").toFile()).start();
        assertTrue(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "see target/features-halted.log");
        assertEquals(137, p.exitValue(), "see target/features-halted.log");
        Path run = LiveFiles.find(root, 2, x -> Files.isRegularFile(x.resolve("metrics.jsonl")));
        assertNotNull(run);
        assertTrue(Files.exists(run.resolve("checkpoints/distill/epoch-1/state.json")));
        CliTest.Result r = CliTest.run("train", "--resume", run.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(run.resolve("train.log")).contains("distill: resuming after epoch 1/2"));
        JsonNode a = Json.MAPPER.readTree(reference.resolve("summary.json").toFile());
        JsonNode b = Json.MAPPER.readTree(run.resolve("summary.json").toFile());
        assertEquals(a.path("stages").path("distill").path("final_loss").asDouble(),
                b.path("stages").path("distill").path("final_loss").asDouble(), 0.0);
        assertEquals(a.path("models").path("student").path("test_accuracy").asDouble(),
                b.path("models").path("student").path("test_accuracy").asDouble(), 0.0);
        assertEquals(ResumeCliTest.stripTimes(reference), ResumeCliTest.stripTimes(run));
    }

    @Test
    void layersAreCheckedBeforeAnythingRuns() throws Exception {
        CliTest.Result missing = CliTest.run("train", "--config", config.toString(), "--set",
                "output.dir=" + dir.resolve("missing"), "--set", "stages.distill.losses[1].student_layer=g4b1_relu");
        assertEquals(2, missing.code());
        String err = missing.err();
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.startsWith("error: stages[1].losses[1].student_layer: the student has no layer 'g4b1_relu';"
                + " its layers: stem_conv 2x28x28, "), err);
        assertTrue(err.contains("g3b1_relu 8x7x7, gap 8, fc 10"), err);
        assertFalse(Files.exists(dir.resolve("missing")) && Files.list(dir.resolve("missing")).findAny()
                .isPresent(), "nothing was written");

        CliTest.Result apart = CliTest.run("train", "--config", config.toString(), "--set",
                "output.dir=" + dir.resolve("apart"), "--set", "stages.distill.losses[2].teacher_layer=g1b1_relu");
        assertEquals(2, apart.code());
        assertTrue(apart.err().startsWith("error: stages[1].losses[2]: a hint needs feature maps of the same "
                + "height and width, got student 8x7x7 and teacher 4x28x28"), apart.err());
    }
}
