package org.distill4j.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.distill4j.cli.DistillCli;
import org.distill4j.run.Json;
import org.distill4j.run.RunDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run directory's files when they are not what the run wrote: an output directory that cannot hold runs, a full
 * disk while the run writes, files cut short or garbled before a {@code --resume}, a deleted
 * {@code checkpoints/pipeline.json}, an edited {@code config.resolved.yaml}. Each is a one-line error naming the file
 * (exit 2, nothing written) or a warning naming it after which the run ends as an uninterrupted one would.
 * Uses {@link MetricsOnResumeTest}'s toy stage, whose second checkpoint write fails as on a full disk.
 */
class RunFilesTest {
    @TempDir
    static Path dir;
    static Path reference;
    /** A run whose flaky-train stage failed writing its epoch-2 checkpoint (epoch 1's is in place). */
    static Path failed;
    static ExtensionTest.Result failure;

    @BeforeAll
    static void runs() throws IOException {
        reference = MetricsOnResumeTest.referenceRun(dir);
        MetricsOnResumeTest.SAVES.set(0);
        MetricsOnResumeTest.FAIL_AT.set(2);
        failure = ExtensionTest.train(MetricsOnResumeTest.PLUGINS, dir.resolve("flaky.yaml"),
                "output.dir=" + dir.resolve("failed"));
        MetricsOnResumeTest.FAIL_AT.set(0);
        try (Stream<Path> s = Files.list(dir.resolve("failed/flaky"))) {
            failed = s.findFirst().orElseThrow();
        }
    }

    static ExtensionTest.Result resume(Path run) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DistillCli.execute(MetricsOnResumeTest.PLUGINS, new PrintWriter(out, true),
                new PrintWriter(err, true), "train", "--resume", run.toString());
        return new ExtensionTest.Result(code, out.toString(), err.toString());
    }

    /** A copy of the failed run, to damage. */
    static Path copy(String name) throws IOException {
        Path to = dir.resolve("copies").resolve(name).resolve(failed.getFileName());
        try (Stream<Path> s = Files.walk(failed)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(failed.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else if (!p.getFileName().toString().equals(".lock")) {
                    Files.copy(p, q);
                }
            }
        }
        return to;
    }

    static void cut(Path file, int keep) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(b, Math.min(keep, b.length)));
    }

    static void assertResumesToTheReference(Path run, String warning) throws IOException {
        ExtensionTest.Result r = resume(run);
        assertEquals(0, r.code(), r.err());
        assertEquals(run.toString(), r.out().strip());
        String log = Files.readString(run.resolve("train.log"));
        assertTrue(log.contains(warning), "train.log says: " + warning + "\n" + log);
        assertEquals(MetricsOnResumeTest.lines(reference), MetricsOnResumeTest.lines(run));
        assertEquals("completed", Json.MAPPER.readTree(run.resolve("provenance.json").toFile()).path("status")
                .asText());
    }

    /** Exit 2 with exactly {@code error} on stderr, and the run directory's files as they were. */
    static void assertRefused(Path run, String error) throws IOException {
        String provenance = Files.readString(run.resolve("provenance.json"));
        String metrics = Files.readString(run.resolve("metrics.jsonl"));
        ExtensionTest.Result r = resume(run);
        assertEquals(2, r.code(), r.err());
        assertEquals("error: " + error + "\n", r.err());
        assertEquals(provenance, Files.readString(run.resolve("provenance.json")), "nothing written");
        assertEquals(metrics, Files.readString(run.resolve("metrics.jsonl")), "nothing written");
        assertFalse(Files.exists(run.resolve("train.log")) && Files.readString(run.resolve("train.log"))
                .contains("resuming"), "the resume did not start");
    }

    @Test
    void aFullDiskIsOneLineThatSaysHowToContinueAndTheRunIsMarkedFailed() throws IOException {
        assertEquals(2, failure.code());
        assertEquals("run directory: " + failed + "\nerror: cannot write "
                + failed.resolve("checkpoints/flaky-train/epoch-2")
                + ": No space left on device; free space and continue with: distill train --resume " + failed + "\n",
                failure.err());
        JsonNode prov = Json.MAPPER.readTree(failed.resolve("provenance.json").toFile());
        assertEquals("failed", prov.path("status").asText());
        assertEquals("environment", prov.path("error_kind").asText());
        assertTrue(Files.readString(failed.resolve("train.log")).contains("at org.distill4j.spi.Checkpoint.save"),
                "the trace is in train.log");

        // when provenance.json cannot be written either, the line says so
        MetricsOnResumeTest.BLOCK_PROVENANCE.set(true);
        try {
            MetricsOnResumeTest.SAVES.set(0);
            MetricsOnResumeTest.FAIL_AT.set(2);
            ExtensionTest.Result r = ExtensionTest.train(MetricsOnResumeTest.PLUGINS, dir.resolve("flaky.yaml"),
                    "output.dir=" + dir.resolve("blocked"));
            assertEquals(2, r.code(), r.err());
            Path blocked;
            try (Stream<Path> s = Files.list(dir.resolve("blocked/flaky"))) {
                blocked = s.findFirst().orElseThrow();
            }
            assertEquals("run directory: " + blocked + "\nerror: cannot write "
                    + blocked.resolve("checkpoints/flaky-train/epoch-2") + ": No space left on device; free space and "
                    + "continue with: distill train --resume " + blocked
                    + " (provenance.json could not be marked failed either: it still says running)\n", r.err());
        } finally {
            MetricsOnResumeTest.BLOCK_PROVENANCE.set(false);
            MetricsOnResumeTest.FAIL_AT.set(0);
        }
    }

    @Test
    void aStateJsonCutShortIsADamagedCheckpointAndTheStageStartsOver() throws IOException {
        Path run = copy("state");
        Path state = run.resolve("checkpoints/flaky-train/epoch-1/state.json");
        cut(state, 40);
        assertResumesToTheReference(run, "flaky-train: checkpoint " + state.getParent() + " is damaged (state.json cut "
                + "short at line ");
    }

    @Test
    void aMetricsLineCutShortAtTheEndIsDroppedWithAWarning() throws IOException {
        Path run = copy("metrics-cut");
        Path metrics = run.resolve("metrics.jsonl");
        String text = Files.readString(metrics);
        Files.writeString(metrics, text + text.substring(0, 30)); // a third line, cut short
        assertResumesToTheReference(run, metrics + ": its last line was cut short (the process ended while writing "
                + "it); dropped: " + text.substring(0, 30));
    }

    @Test
    void aGarbledMetricsLineIsOneLineNamingFileAndLine() throws IOException {
        Path run = copy("metrics-garbled");
        Path metrics = run.resolve("metrics.jsonl");
        List<String> lines = Files.readAllLines(metrics);
        Files.writeString(metrics, lines.get(0) + "\n" + "{\"stage\": oops}\n" + lines.get(1) + "\n");
        assertRefused(run, metrics + ": line 2 is damaged (not valid JSON at column 15: Unrecognized token 'oops'); "
                + "fix or delete that line, then resume again");
    }

    @Test
    void aProvenanceCutShortIsOneLineNamingIt() throws IOException {
        Path run = copy("provenance");
        cut(run.resolve("provenance.json"), 100);
        assertRefused(run, run.resolve("provenance.json") + " is damaged (cut short at line 4); the run cannot be "
                + "resumed without it. Start a new run with: distill train --config "
                + run.resolve("config.resolved.yaml"));
    }

    @Test
    void aPipelineJsonCutShortOrMissingStartsTheRunOverWithAWarning() throws IOException {
        Path cutShort = copy("pipeline-cut");
        cut(cutShort.resolve("checkpoints/pipeline.json"), 20);
        assertResumesToTheReference(cutShort, "checkpoints/pipeline.json is damaged (cut short at line 2); stages "
                + "train-student, flaky-train run again from the start");
        Path missing = copy("pipeline-missing");
        Files.delete(missing.resolve("checkpoints/pipeline.json"));
        assertResumesToTheReference(missing, "checkpoints/pipeline.json is missing; stages train-student, flaky-train "
                + "run again from the start");
    }

    @Test
    void anEditedConfigIsRefusedOnResumeAndNamedByReproduce() throws IOException {
        Path run = copy("edited");
        Path cfg = run.resolve("config.resolved.yaml");
        String original = Files.readString(cfg);
        assertTrue(original.contains("seed: 42\n"), original);
        String edited = original.replace("seed: 42\n", "seed: 7\n");
        Files.writeString(cfg, edited);
        String recorded = Json.MAPPER.readTree(run.resolve("provenance.json").toFile()).path("config_sha256").asText();
        assertEquals(RunDirectory.sha256(original), recorded);
        assertRefused(run, "config.resolved.yaml was changed after the run started (sha256 "
                + RunDirectory.sha256(edited).substring(0, 12) + " != " + recorded.substring(0, 12) + " recorded); a "
                + "resumed run must use its original config. Start a new run with: distill train --config " + cfg);

        // reproduce says so before it runs, and in its report
        Path done = dir.resolve("copies/edited-done");
        Files.createDirectories(done);
        try (Stream<Path> s = Files.list(reference)) {
            for (Path p : s.toList()) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().endsWith(".zip")) {
                    Files.copy(p, done.resolve(p.getFileName()));
                }
            }
        }
        Files.writeString(done.resolve("config.resolved.yaml"), Files.readString(done.resolve("config.resolved.yaml"))
                .replace("seed: 42\n", "seed: 7\n"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DistillCli.execute(MetricsOnResumeTest.PLUGINS, new PrintWriter(out, true), new PrintWriter(err,
                true), "reproduce", done.toString(), "--output-dir", dir.resolve("again").toString());
        assertEquals(1, code, out.toString() + err);
        String warning = "warning: config.resolved.yaml was changed after the run (sha256 ";
        assertTrue(err.toString().startsWith(warning), err.toString());
        assertTrue(out.toString().lines().skip(1).findFirst().orElse("").startsWith(warning), out.toString());
    }
}
