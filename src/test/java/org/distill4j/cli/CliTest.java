package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distill4j.run.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the real {@code distill} command: the quick config end to end on the bundled sample (run directory
 * contents, accuracy well above chance, eval of a saved model), and bad input (exit 2, one line, no run
 * directory left behind).
 */
class CliTest {
    record Result(int code, String out, String err) {
    }

    /**
     * The command line of {@code distill args} in a JVM of its own: this JVM's java, {@code jvmArgs} ({@code -Xmx1g},
     * {@code -D...}), the tests' classpath and the jar's main class.
     */
    static List<String> javaCommand(List<String> jvmArgs, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.distill4j.cli.DistillCli"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DistillCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    @TempDir
    static Path out;
    static Path runDir;
    static Result quick;

    @BeforeAll
    static void quickRun() {
        quick = run("train", "--config", "configs/quick/distill-mlp.yaml", "--set", "output.dir=" + out);
        runDir = quick.code() == 0 ? Path.of(quick.out().trim()) : null;
    }

    @Test
    void quickConfigRunsEndToEnd() throws IOException {
        assertEquals(0, quick.code(), quick.err());
        for (String f : List.of("config.resolved.yaml", "overrides.txt", "provenance.json", "metrics.jsonl",
                "summary.json", "train.log", "train-teacher.zip", "train-baseline.zip", "distill.zip",
                "eval-teacher.json", "eval-baseline.json", "eval-student.json")) {
            assertTrue(Files.isRegularFile(runDir.resolve(f)), "missing " + f);
        }
        assertEquals(out.resolve("distill-mlp"), runDir.getParent());
        assertEquals("output.dir=" + out + "\n", Files.readString(runDir.resolve("overrides.txt")));

        JsonNode summary = Json.MAPPER.readTree(runDir.resolve("summary.json").toFile());
        for (String m : List.of("teacher", "baseline", "student")) {
            double acc = summary.path("models").path(m).path("test_accuracy").asDouble();
            assertTrue(acc > 0.6, m + " accuracy " + acc + " (chance is 0.1)");
        }
        assertEquals(summary.path("models").path("student").path("test_accuracy").asDouble()
                - summary.path("models").path("baseline").path("test_accuracy").asDouble(),
                summary.path("distillation_gain").asDouble(), 1e-12);
        assertTrue(summary.path("stages").path("distill").path("teacher_logits_cached").asBoolean());

        JsonNode prov = Json.MAPPER.readTree(runDir.resolve("provenance.json").toFile());
        assertEquals("completed", prov.path("status").asText());
        assertEquals(42, prov.path("seeds").path("master").asLong());
        assertEquals("16896f0f64d42df2071b9b6ea970d4ae18cb4a86bc10f3ee8532ab985c1cdaaa",
                prov.path("data").path("content_sha256").path("t10k-labels-idx1-ubyte.gz").asText());
        assertTrue(prov.path("backend").path("onednn_helpers").asBoolean());
        assertEquals("n/a (no conv or BatchNorm layer)", Json.MAPPER.readTree(runDir.resolve("summary.json").toFile())
                .path("models").path("teacher").path("onednn_helper").asText());
        assertFalse(prov.path("platform").path("cpu").asText().isEmpty());

        List<String> lines = Files.readAllLines(runDir.resolve("metrics.jsonl"));
        assertEquals(30, lines.size(), "10 epochs x 3 training stages");
        JsonNode first = Json.MAPPER.readTree(lines.get(0));
        for (String k : List.of("stage", "epoch", "loss", "train_acc", "val_acc", "test_acc",
                "samples_per_s", "wall_s")) {
            assertTrue(first.has(k), "metrics line lacks " + k + ": " + lines.get(0));
        }
        String log = Files.readString(runDir.resolve("train.log"));
        assertTrue(log.contains("teacher logits cached"), "the log says the teacher logits were cached");
        assertTrue(log.contains("because the input pipeline is deterministic"), "and why");
    }

    @Test
    void evalOfTheSavedStudentReproducesItsAccuracy() throws IOException {
        assertEquals(0, quick.code(), quick.err());
        Path json = out.resolve("eval.json");
        Result r = run("eval", "--model", runDir.resolve("distill.zip").toString(), "--dataset", "fashion-mnist-sample",
                "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("confusion matrix"), r.out());
        double fromRun = Json.MAPPER.readTree(runDir.resolve("summary.json").toFile()).path("models").path("student")
                .path("test_accuracy").asDouble();
        assertEquals(fromRun, Json.MAPPER.readTree(json.toFile()).path("accuracy").asDouble(), 0.0);
    }

    @Test
    void theResolvedConfigReproducesTheConfig() throws IOException {
        assertEquals(0, quick.code(), quick.err());
        Result r = run("config", "--print", "--config", runDir.resolve("config.resolved.yaml").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(Files.readString(runDir.resolve("config.resolved.yaml")), r.out());
    }

    @Test
    void aSavedTeacherCanBeLoadedInsteadOfTrained(@TempDir Path tmp) throws IOException {
        assertEquals(0, quick.code(), quick.err());
        Path teacherZip = runDir.resolve("train-teacher.zip");
        Result r = run("train", "--config", "configs/quick/distill-mlp.yaml", "--set", "output.dir=" + tmp,
                "--set", "teacher={load: '" + teacherZip + "'}",
                "--set", "stages=[{type: distill, epochs: 1, batch_size: 64}, {type: evaluate}]");
        assertEquals(0, r.code(), r.err());
        Path dir = Path.of(r.out().trim());
        JsonNode first = Json.MAPPER.readTree(runDir.resolve("summary.json").toFile());
        JsonNode second = Json.MAPPER.readTree(dir.resolve("summary.json").toFile());
        assertEquals(first.path("models").path("teacher").path("test_accuracy").asDouble(),
                second.path("models").path("teacher").path("test_accuracy").asDouble(), 0.0,
                "the same weights give the same accuracy");
        assertTrue(second.path("models").path("student").path("test_accuracy").asDouble() > 0.5);
        assertEquals(Set.of("teacher", "student"), new HashSet<>(iterableToList(second.path("models").fieldNames())));
    }

    /** A distill stage with decoupled KD (with a warm-up) or DIST trains a student from a loaded teacher. */
    @Test
    void aDistillStageCanUseDecoupledKdOrDist(@TempDir Path tmp) throws IOException {
        assertEquals(0, quick.code(), quick.err());
        Map<String, String> losses = Map.of("{type: dkd, warmup: 2}",
                "DKD, T = 4.0, alpha = 1.0, beta = 8.0, ce = 1.0, warm-up 2 epochs",
                "{type: dist}", "DIST, T = 1.0, beta = 1.0, gamma = 1.0, ce = 1.0");
        for (Map.Entry<String, String> loss : losses.entrySet()) {
            Result r = run("train", "--config", "configs/quick/distill-mlp.yaml", "--set", "output.dir=" + tmp,
                    "--set", "teacher={load: '" + runDir.resolve("train-teacher.zip") + "'}",
                    "--set", "stages=[{type: distill, epochs: 2, batch_size: 64, loss: " + loss.getKey() + "}, "
                            + "{type: evaluate}]");
            assertEquals(0, r.code(), r.err());
            Path dir = Path.of(r.out().trim());
            String log = Files.readString(dir.resolve("train.log"));
            assertTrue(log.contains(loss.getValue()), log);
            JsonNode summary = Json.MAPPER.readTree(dir.resolve("summary.json").toFile());
            assertTrue(summary.path("models").path("student").path("test_accuracy").asDouble() > 0.5,
                    summary.toString());
        }
    }

    static List<String> iterableToList(java.util.Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    static List<Path> runDirs(Path root) throws IOException {
        List<Path> dirs = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (var s = Files.walk(root, 2)) {
                s.filter(p -> p.getNameCount() - root.getNameCount() == 2).forEach(dirs::add);
            }
        }
        return dirs;
    }

    @Test
    void badConfigValueIsOneLineExitTwoAndLeavesNoRunDirectory(@TempDir Path tmp) throws IOException {
        Result r = run("train", "--config", "configs/quick/distill-mlp.yaml", "--set", "stages.distill.temperature=-2",
                "--set", "output.dir=" + tmp);
        assertEquals(2, r.code());
        assertEquals("error: stages[2].temperature: must be > 0, got -2\n", r.err());
        assertEquals(List.of(), runDirs(tmp));
    }

    /** A learning rate that makes the loss NaN is the config's fault: one line naming the key, a failed run. */
    @Test
    void aDivergingStageIsOneLineNamingItsLearningRate(@TempDir Path tmp) throws IOException {
        Result r = run("train", "--config", "configs/quick/distill-mlp.yaml", "--set", "stages.train-teacher.epochs=1",
                "--set", "stages.train-baseline.epochs=1", "--set", "stages.distill.optimizer.lr=1e30", "--set",
                "output.dir=" + tmp);
        assertEquals(2, r.code(), r.err());
        Path run = runDirs(tmp).get(0);
        assertTrue(r.err().matches("run directory: " + java.util.regex.Pattern.quote(run.toString()) + "\\n"
                + "error: distill: the loss became NaN at epoch 1, iteration \\d+ \\(learning rate "
                + "1\\.0E30\\); lower stages\\.distill\\.optimizer\\.lr\n"), r.err());
        var prov = org.distill4j.run.Json.MAPPER.readTree(run.resolve("provenance.json").toFile());
        assertEquals("failed", prov.path("status").asText());
        assertEquals("config", prov.path("error_kind").asText());
    }

    /** A run directory the file system refuses to create (here a pseudo file system) is one line, exit 2. */
    @Test
    void aRunDirectoryThatCannotBeCreatedIsOneLine() {
        Path refusing = Path.of("/proc/distill4j-runs");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(refusing.getParent())
                && !Files.exists(refusing), "needs a /proc that refuses new folders");
        Result r = run("train", "--config", "configs/quick/distill-mlp.yaml", "--set", "output.dir=" + refusing);
        assertEquals(2, r.code(), r.err());
        assertEquals("error: output.dir: cannot create a run directory in " + refusing.resolve("distill-mlp")
                + ": No such file or directory; fix that and run again", r.err().strip());
    }

    @Test
    void missingDataIsExitTwoAndLeavesNoRunDirectory(@TempDir Path tmp) throws IOException {
        Result r = run("train", "--config", "configs/quick/distill-mlp.yaml", "--set",
                "dataset.path=" + tmp.resolve("nowhere"), "--set", "output.dir=" + tmp);
        assertEquals(2, r.code());
        assertEquals("error: dataset.path: " + tmp.resolve("nowhere") + " does not exist", r.err().strip());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals(List.of(), runDirs(tmp));
    }

    @Test
    void unbuildableNetworkAndUnreadableTeacherAreExitTwoWithNoRunDirectory(@TempDir Path tmp) throws IOException {
        Result r = run("train", "--config", "configs/quick/distill-mlp.yaml", "--set", "output.dir=" + tmp,
                "--set", "student={arch: layers, layers: [{type: conv, filters: 4, kernel: 15, padding: valid}, "
                        + "{type: conv, filters: 4, kernel: 15, padding: valid}]}");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: student.arch: this network cannot be built for 1x28x28 inputs: "),
                r.err());
        Path notAZip = Files.writeString(tmp.resolve("teacher.zip"), "not a zip");
        Result r2 = run("train", "--config", "configs/quick/distill-mlp.yaml", "--set", "output.dir=" + tmp,
                "--set", "teacher={load: '" + notAZip + "'}", "--set", "stages=[{type: distill}]");
        assertEquals(2, r2.code(), r2.err());
        assertTrue(r2.err().startsWith("error: teacher.load: " + notAZip + " is not a DL4J model: not a zip file"),
                r2.err());
        assertEquals(List.of(), runDirs(tmp));
    }

    @Test
    void badArgumentsAreExitTwo() {
        assertEquals(2, run().code());
        Result r = run("train");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: give either --config FILE or --resume RUN_DIR\n"), r.err());
        assertEquals(2, run("train", "--config", "configs/nope.yaml").code());
        assertEquals("error: config file not found: configs/nope.yaml\n",
                run("train", "--config", "configs/nope.yaml").err());
        assertEquals(2, run("frobnicate").code());
        assertEquals(2, run("eval", "--model", "nope.zip", "--dataset", "fashion-mnist-sample").code());
        assertEquals(2, run("eval", "--model", "x.zip", "--split", "validation").code());
    }

    @Test
    void helpAndVersion() {
        Result r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("train") && r.out().contains("eval") && r.out().contains("config"), r.out());
        Result t = run("train", "--help");
        assertTrue(t.out().contains("--set=KEY=VALUE"), t.out());
        assertTrue(run("--version").out().startsWith("distill4j "));
    }
}
