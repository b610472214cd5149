package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.run.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reuse:} on a train stage: a run that loads the baseline another run trained under the same seed gets that
 * baseline's accuracy without training it, and, since every stage draws from its own derived seed, the same distilled
 * student as the run it reused from.
 */
class ReuseCliTest {
    private static final String TINY = """
            version: 1
            name: tiny-reuse
            seed: 7
            dataset: {name: fashion-mnist-sample, validation: 0.1}
            teacher: {arch: mlp, hidden: [16]}
            student: {arch: mlp, hidden: [8]}
            stages:
              - {type: train, model: teacher, epochs: 1, batch_size: 64, optimizer: {type: adam, lr: 0.001}}
              - {type: train, model: baseline, epochs: 2, batch_size: 64, optimizer: {type: adam, lr: 0.002}REUSE}
              - {type: distill, temperature: 4, alpha: 0.9, epochs: 1, batch_size: 64,
                 optimizer: {type: adam, lr: 0.002}}
              - {type: evaluate}
            output: {dir: OUT}
            """;

    @TempDir
    Path tmp;

    private Path config(String name, String reuse, String out) throws IOException {
        Path cfg = tmp.resolve(name + ".yaml");
        Files.writeString(cfg, TINY.replace("REUSE", reuse).replace("OUT", tmp.resolve(out).toString()));
        return cfg;
    }

    private static JsonNode summary(Path run) throws IOException {
        return Json.MAPPER.readTree(run.resolve("summary.json").toFile());
    }

    private static double acc(JsonNode summary, String slot) {
        return summary.path("models").path(slot).path("test_accuracy").asDouble(Double.NaN);
    }

    private static Path runDir(CliTest.Result r) {
        return Path.of(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void aReusedBaselineIsTheOneTrainedBeforeAndTheStudentIsTheSame() throws IOException {
        CliTest.Result a = CliTest.run("train", "--config", config("a", "", "a").toString());
        assertEquals(0, a.code(), a.err());
        Path runA = runDir(a);
        Path from = tmp.resolve("a");
        CliTest.Result b = CliTest.run("train", "--config", config("b", ", reuse: " + from, "b").toString());
        assertEquals(0, b.code(), b.err());
        Path runB = runDir(b);

        JsonNode sa = summary(runA);
        JsonNode sb = summary(runB);
        assertEquals(acc(sa, "baseline"), acc(sb, "baseline"), "the same baseline");
        assertEquals(acc(sa, "student"), acc(sb, "student"), "the stages after it ran as they did in run a");
        assertEquals(acc(sa, "teacher"), acc(sb, "teacher"));
        assertEquals(runA.resolve("train-baseline.zip").toString(),
                sb.path("stages").path("train-baseline").path("reused_from").asText());
        assertFalse(Files.readString(runB.resolve("metrics.jsonl")).contains("\"train-baseline\""),
                "run b trained no baseline epochs");
        assertTrue(Files.readString(runA.resolve("metrics.jsonl")).contains("\"train-baseline\""));
    }

    @Test
    void aBaselineTrainedOtherwiseIsNotReusedAndTheErrorSaysWhy() throws IOException {
        Path none = tmp.resolve("none");
        CliTest.Result missing = CliTest.run("train", "--config", config("m", ", reuse: " + none, "m").toString());
        assertEquals(2, missing.code());
        assertEquals("error: stages[1].reuse: not a directory: " + none + "\n", missing.err());

        CliTest.Result a = CliTest.run("train", "--config", config("a", "", "a").toString(), "--set",
                "output.save_models=false");
        assertEquals(0, a.code(), a.err());
        Path runA = runDir(a);
        Path from = tmp.resolve("a");
        CliTest.Result unsaved = CliTest.run("train", "--config", config("u", ", reuse: " + from, "u").toString());
        assertEquals(2, unsaved.code());
        assertEquals("error: stages[1].reuse: " + runA + " trained train-baseline the same way but has not saved "
                + "train-baseline.zip (still running, or output.save_models is false)\n", unsaved.err());

        CliTest.Result otherSeed = CliTest.run("train", "--config", config("s", ", reuse: " + from, "s").toString(),
                "--set", "seed=8");
        assertEquals(2, otherSeed.code());
        assertEquals("error: stages[1].reuse: no run under " + from + " trained train-baseline as this run would "
                + "(same seed 8, dataset, student and baseline stages); its 1 run(s) have seeds [7]\n",
                otherSeed.err());
        CliTest.Result otherLr = CliTest.run("train", "--config", config("l", ", reuse: " + from, "l").toString(),
                "--set", "stages.train-baseline.optimizer.lr=0.003");
        assertEquals(2, otherLr.code());
        assertTrue(otherLr.err().startsWith("error: stages[1].reuse: no run under " + from), otherLr.err());
        assertFalse(Files.exists(tmp.resolve("m")) || Files.exists(tmp.resolve("u")) || Files.exists(tmp.resolve("s"))
                || Files.exists(tmp.resolve("l")), "nothing written for a config error");
    }
}
