package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.distill4j.run.Json;
import org.distill4j.run.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --repeat}: two runs of a tiny config into one repeat folder, each an ordinary run directory with its
 * own seed, and an {@code aggregate.json} whose figures are recomputed here from the runs' {@code summary.json}.
 */
class RepeatCliTest {
    private static final String TINY = """
            version: 1
            name: tiny-repeat
            seed: 7
            dataset: {name: fashion-mnist-sample, validation: 0.1}
            teacher: {arch: mlp, hidden: [16]}
            student: {arch: mlp, hidden: [8]}
            stages:
              - {type: train, model: teacher, epochs: 1, batch_size: 64, optimizer: {type: adam, lr: 0.001}}
              - {type: train, model: baseline, epochs: 1, batch_size: 64, optimizer: {type: adam, lr: 0.002}}
              - {type: distill, temperature: 4, alpha: 0.9, epochs: 1, batch_size: 64,
                 optimizer: {type: adam, lr: 0.002}}
              - {type: evaluate}
            output: {dir: OUT, save_models: false}
            """;

    @TempDir
    Path tmp;

    private Path tinyConfig() throws IOException {
        Path cfg = tmp.resolve("tiny-repeat.yaml");
        Files.writeString(cfg, TINY.replace("OUT", tmp.resolve("out").toString()));
        return cfg;
    }

    private static double acc(Path run, String slot) throws IOException {
        return Json.MAPPER.readTree(run.resolve("summary.json").toFile()).path("models").path(slot)
                .path("test_accuracy").asDouble(Double.NaN);
    }

    @Test
    void twoRunsUnderTwoSeedsAndTheirAggregate() throws IOException {
        CliTest.Result r = CliTest.run("train", "--config", tinyConfig().toString(), "--repeat", "2");
        assertEquals(0, r.code(), r.err());
        List<String> outLines = r.out().lines().toList();
        Path dir = Path.of(outLines.get(outLines.size() - 1));
        assertEquals(tmp.resolve("out/tiny-repeat"), dir.getParent());
        assertTrue(dir.getFileName().toString().startsWith("repeat-"), dir.toString());
        Path r0 = dir.resolve("r0");
        Path r1 = dir.resolve("r1");
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        long seed0 = yaml.readTree(r0.resolve("config.resolved.yaml").toFile()).path("seed").asLong();
        long seed1 = yaml.readTree(r1.resolve("config.resolved.yaml").toFile()).path("seed").asLong();
        assertEquals(7L, seed0, "run 0 keeps the config's seed");
        assertEquals(Seeds.derive(7, "repeat/1"), seed1);
        assertNotEquals(seed0, seed1);
        assertEquals("seed=" + seed1 + "\n", Files.readString(r1.resolve("overrides.txt")));
        assertTrue(r.err().contains("repeat: run 2 of 2 (seed " + seed1 + ")"), r.err());
        assertTrue(r.err().contains("distilled - baseline  "), r.err());

        JsonNode agg = Json.MAPPER.readTree(dir.resolve("aggregate.json").toFile());
        assertEquals("tiny-repeat", agg.path("name").asText());
        assertEquals("r0", agg.path("runs").get(0).path("dir").asText());
        assertEquals(seed1, agg.path("runs").get(1).path("seed").asLong());
        assertTrue(agg.path("runs").get(1).path("completed").asBoolean());
        for (String slot : List.of("teacher", "baseline", "student")) {
            double a = acc(r0, slot);
            double b = acc(r1, slot);
            JsonNode t = agg.path("models").path(slot).path("test_accuracy");
            assertEquals(2, t.path("n").asInt(), slot);
            assertEquals((a + b) / 2, t.path("mean").asDouble(), 1e-12, slot);
            // n = 2: sqrt(((a − m)² + (b − m)²) / 1) = |a − b| / √2
            assertEquals(Math.abs(a - b) / Math.sqrt(2), t.path("sd").asDouble(), 1e-12, slot);
            assertEquals(Math.min(a, b), t.path("min").asDouble(), slot);
            assertEquals(Math.max(a, b), t.path("max").asDouble(), slot);
        }
        double d0 = acc(r0, "student") - acc(r0, "baseline");
        double d1 = acc(r1, "student") - acc(r1, "baseline");
        JsonNode gain = agg.path("distillation_gain");
        assertEquals((d0 + d1) / 2, gain.path("mean").asDouble(), 1e-12);
        // t_{0.975,1} = 12.706205; sd / √2 = (|d0 − d1| / √2) / √2 = |d0 − d1| / 2
        double half = 12.706205 * Math.abs(d0 - d1) / 2;
        assertEquals((d0 + d1) / 2 - half, gain.path("ci_low").asDouble(), 1e-6);
        assertEquals((d0 + d1) / 2 + half, gain.path("ci_high").asDouble(), 1e-6);
        assertEquals(gain.path("ci_low").asDouble() > 0, gain.path("above_zero").asBoolean());

        // each run is an ordinary run directory: resume recognizes it (and says it has completed)
        CliTest.Result resumed = CliTest.run("train", "--resume", r1.toString());
        assertEquals(2, resumed.code());
        assertEquals("error: " + r1 + " has completed; nothing to resume\n", resumed.err());

        // aggregate recomputes the same file from the run directories
        Files.delete(dir.resolve("aggregate.json"));
        CliTest.Result again = CliTest.run("aggregate", dir.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(dir + "\n", again.out());
        assertEquals(agg, Json.MAPPER.readTree(dir.resolve("aggregate.json").toFile()));

        // report shows the aggregate, a row per run with its own gain, and the per-run plot
        CliTest.Result report = CliTest.run("report", dir.toString());
        assertEquals(0, report.code(), report.err());
        assertTrue(report.out().contains("distilled - baseline  "), report.out());
        assertTrue(report.out().strip().endsWith("report.html"), report.out());
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains(String.format(java.util.Locale.ROOT, "<td>%.4f</td>", d1)), html);
        assertTrue(html.contains("<a href=\"r1/\">r1</a>"), html);
        assertTrue(Files.size(dir.resolve("accuracy.png")) > 1000);
    }

    /**
     * A repeat killed (SIGKILL) during its second run continues with {@code train --resume <repeat folder>}: the first
     * run is kept as it was, the second resumes from its checkpoint, the third runs, and the aggregate equals that of
     * an uninterrupted repeat of the same config. While another process holds the second run's claim, a resume skips
     * it, runs the third and writes the aggregate of the completed runs; the next resume completes the second.
     */
    @Test
    void aKilledRepeatContinuesToTheSameAggregate() throws Exception {
        Path cfg = tinyConfig();
        CliTest.Result ref = CliTest.run("train", "--config", cfg.toString(), "--repeat", "3", "--set",
                "output.dir=" + tmp.resolve("ref"));
        assertEquals(0, ref.code(), ref.err());
        Path refDir = Path.of(ref.out().strip().lines().reduce((a, b) -> b).orElseThrow());

        Path root = tmp.resolve("killed");
        List<String> cmd = CliTest.javaCommand(List.of("-Xmx1g"), "train", "--config", cfg.toString(), "--repeat",
                "3", "--set", "output.dir=" + root);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "repeat-killed.log").toFile()).start();
        Path found = LiveFiles.killWhenWritten(p, root, Path.of("r1", "checkpoints", "train-teacher", "epoch-1",
                "state.json"));
        assertTrue(found != null, "the repeat ended before r1's first checkpoint; see target/repeat-killed.log");
        Path dir = found.getParent().getParent().getParent().getParent().getParent();
        assertFalse(Files.exists(dir.resolve("r2")));
        String r0Provenance = Files.readString(dir.resolve("r0/provenance.json"));

        // another process holds r1 (its claim lock): this one keeps r0, skips r1, runs r2 and aggregates r0 and r2
        CliTest.Result shared;
        try (FileChannel ch = FileChannel.open(dir.resolve(".r1.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            shared = CliTest.run("train", "--resume", dir.toString());
        }
        assertEquals(0, shared.code(), shared.err());
        assertTrue(shared.err().contains("repeat: r1 is being run by another process; skipped here")
                && shared.err().contains("repeat: run 3 of 3") && !shared.err().contains("repeat: run 2 of 3")
                && shared.err().contains("repeat: r1 is not completed; aggregate.json counts the completed runs"),
                shared.err());
        JsonNode partial = Json.MAPPER.readTree(dir.resolve("aggregate.json").toFile());
        assertEquals(2, partial.path("models").path("student").path("test_accuracy").path("n").asInt());
        assertFalse(partial.path("runs").get(1).path("completed").asBoolean());
        assertEquals(0, Json.MAPPER.readTree(dir.resolve("r1/provenance.json").toFile()).path("resumed").size(),
                "r1 was not touched");

        CliTest.Result resumed = CliTest.run("train", "--resume", dir.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(dir.toString(), resumed.out().strip());
        assertTrue(resumed.err().contains("repeat: run 2 of 3") && !resumed.err().contains("repeat: run 3 of 3")
                && !resumed.err().contains("repeat: run 1 of 3") && !resumed.err().contains("not completed"),
                resumed.err());
        assertEquals(r0Provenance, Files.readString(dir.resolve("r0/provenance.json")), "r0 was kept as it was");
        assertEquals(1, Json.MAPPER.readTree(dir.resolve("r1/provenance.json").toFile()).path("resumed").size());
        JsonNode a = Json.MAPPER.readTree(refDir.resolve("aggregate.json").toFile());
        JsonNode b = Json.MAPPER.readTree(dir.resolve("aggregate.json").toFile());
        assertEquals(a.path("models"), b.path("models"));
        assertEquals(a.path("distillation_gain"), b.path("distillation_gain"));
        assertEquals(3, b.path("runs").size());

        CliTest.Result again = CliTest.run("train", "--resume", dir.toString());
        assertEquals(0, again.code(), "a finished repeat resumes to itself: " + again.err());
        Files.writeString(cfg, Files.readString(cfg).replace("epochs: 1, batch_size: 64, optimizer: {type: adam, "
                + "lr: 0.001}", "epochs: 2, batch_size: 64, optimizer: {type: adam, lr: 0.001}"));
        CliTest.Result changed = CliTest.run("train", "--resume", dir.toString());
        assertEquals(2, changed.code());
        assertTrue(changed.err().startsWith("error: " + cfg + " has changed since the repeat in " + dir),
                changed.err());
    }

    @Test
    void badRepeatArgumentsAreOneLineErrors() throws IOException {
        Path cfg = tinyConfig();
        CliTest.Result one = CliTest.run("train", "--config", cfg.toString(), "--repeat", "1");
        assertEquals(2, one.code());
        assertTrue(one.err().startsWith("error: --repeat must be at least 2, got 1\n"), one.err());
        CliTest.Result withResume = CliTest.run("train", "--repeat", "3", "--resume", "x");
        assertEquals(2, withResume.code());
        assertTrue(withResume.err().startsWith("error: --repeat runs a config anew and cannot be used with --resume;"
                + " continue a repeat with --resume <repeat-folder>\n"), withResume.err());
        CliTest.Result badKey = CliTest.run("train", "--config", cfg.toString(), "--repeat", "2", "--set", "nope=1");
        assertEquals(2, badKey.code());
        assertEquals(1, badKey.err().lines().count(), badKey.err());
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written for a bad argument or config");
        CliTest.Result notRepeat = CliTest.run("aggregate", tmp.toString());
        assertEquals(2, notRepeat.code());
        assertEquals("error: " + tmp + " holds no run directories (r0, r1, ...); give a folder made by distill train"
                + " --repeat\n", notRepeat.err());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(1, s.count());
        }
    }
}
