package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.distill4j.run.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 a real {@code distill train} process during {@code prune} and during {@code quantize}, resume it with
 * {@code --resume}, and compare with an uninterrupted run of the same config and seed: same final losses, same
 * accuracy, and a byte-identical exported model (masks, schedule position, optimizer state, shadow weights, EMA
 * ranges and random streams all survived).
 */
class ResumeCliTest {
    static final String[] CONFIG = {"--config", "configs/quick/compress-mlp.yaml",
            "--set", "stages.train-teacher.epochs=1", "--set", "stages.distill.epochs=1",
            "--set", "stages.prune.epochs=3", "--set", "stages.quantize.epochs=2"};

    @TempDir
    static Path out;
    static Path reference;

    @BeforeAll
    static void uninterrupted() {
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(List.of(CONFIG));
        args.addAll(List.of("--set", "output.dir=" + out.resolve("reference")));
        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        reference = Path.of(r.out().trim());
    }

    /** Starts {@code distill train} of {@link #CONFIG} in its own JVM, with {@code jvmArgs}, writing into root. */
    static Process start(Path root, String... jvmArgs) throws IOException {
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g"));
        jvm.addAll(List.of(jvmArgs));
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(List.of(CONFIG));
        args.addAll(List.of("--set", "output.dir=" + root));
        List<String> cmd = CliTest.javaCommand(jvm, args.toArray(String[]::new));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(Path.of("target", root.getFileName() + ".log").toFile()).start();
        Files.createDirectories(root);
        return p;
    }

    /**
     * Starts {@code distill train} in its own JVM and kills it (SIGKILL) once {@code checkpoint}
     * exists in its run directory.
     */
    static Path killAt(Path root, String checkpoint) throws Exception {
        Process p = start(root);
        Path found = LiveFiles.killWhenWritten(p, root, Path.of("checkpoints", checkpoint, "state.json"));
        assertNotNull(found, "the run ended or timed out before writing " + checkpoint + "; see target/"
                + root.getFileName() + ".log");
        return found.getParent().getParent().getParent().getParent();
    }

    void assertResumesToTheReference(Path killed, String stage) throws IOException {
        JsonNode prov = Json.MAPPER.readTree(killed.resolve("provenance.json").toFile());
        assertEquals("running", prov.path("status").asText(), "a killed run cannot mark itself");
        assertFalse(Files.exists(killed.resolve("summary.json")));

        CliTest.Result r = CliTest.run("train", "--resume", killed.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(killed.toString(), r.out().trim());
        String log = Files.readString(killed.resolve("train.log"));
        assertTrue(log.contains(stage + ": resuming after epoch 1/"), "the stage continued from its checkpoint");
        assertTrue(log.contains("distill (distill) completed before the interruption"),
                "completed stages are not run again");

        JsonNode a = Json.MAPPER.readTree(reference.resolve("summary.json").toFile());
        JsonNode b = Json.MAPPER.readTree(killed.resolve("summary.json").toFile());
        for (String s : List.of("distill", "prune", "quantize")) {
            assertEquals(a.path("stages").path(s).path("final_loss").asDouble(),
                    b.path("stages").path(s).path("final_loss").asDouble(), 0.0, s);
        }
        assertEquals(a.path("models").path("student").path("test_accuracy").asDouble(),
                b.path("models").path("student").path("test_accuracy").asDouble(), 0.0);
        assertEquals(-1L, Files.mismatch(reference.resolve("export.d4jc"), killed.resolve("export.d4jc")),
                "exported models differ");
        assertEquals(stripTimes(reference), stripTimes(killed), "metrics lines (times aside)");
        JsonNode after = Json.MAPPER.readTree(killed.resolve("provenance.json").toFile());
        assertEquals("completed", after.path("status").asText());
        assertEquals(1, after.path("resumed").size());
        assertFalse(Files.exists(killed.resolve("checkpoints")), "checkpoints are removed once the run completes");
    }

    /** The metrics lines without their timing fields; also checks that no (stage, epoch) appears twice. */
    static List<String> stripTimes(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String l : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            var n = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(l);
            assertTrue(seen.add(n.path("stage").asText() + "/" + n.path("epoch").asInt()), "duplicate line " + l);
            n.remove(List.of("samples_per_s", "epoch_train_s", "wall_s", "teacher_s"));
            out.add(n.toString());
        }
        return out;
    }

    @Test
    void killedDuringPruneResumesToTheSameResult() throws Exception {
        assertResumesToTheReference(killAt(out.resolve("killed-prune"), "prune/epoch-1"), "prune");
    }

    @Test
    void killedDuringQuantizeResumesToTheSameResult() throws Exception {
        assertResumesToTheReference(killAt(out.resolve("killed-quantize"), "quantize/epoch-1"), "quantize");
    }

    /**
     * A process that dies after an epoch's metrics line is written but before that epoch's checkpoint is in place
     * (halted there by -Ddistill4j.fault, as a kill or a full disk would) resumes from the previous checkpoint and
     * writes the epoch's line once: every file equals the uninterrupted run's.
     */
    @Test
    void killedBetweenAMetricsLineAndItsCheckpointResumesToTheSameResult() throws Exception {
        Path root = out.resolve("halted");
        Process p = start(root, "-Ddistill4j.fault=after-metrics:prune:2");
        assertTrue(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "see target/halted.log");
        assertEquals(137, p.exitValue(), "see target/halted.log");
        Path run = LiveFiles.find(root, 2, x -> Files.isRegularFile(x.resolve("metrics.jsonl")));
        assertNotNull(run);
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertTrue(lines.get(lines.size() - 1).contains("\"stage\":\"prune\"")
                && lines.get(lines.size() - 1).contains("\"epoch\":2,"), "prune's second line was written");
        assertTrue(Files.exists(run.resolve("checkpoints/prune/epoch-1/state.json")));
        assertFalse(Files.exists(run.resolve("checkpoints/prune/epoch-2")), "its checkpoint was not");
        assertResumesToTheReference(run, "prune");
    }

    @Test
    void resumeNeedsAnUnfinishedRunDirectory(@TempDir Path tmp) {
        CliTest.Result done = CliTest.run("train", "--resume", reference.toString());
        assertEquals(2, done.code());
        assertEquals("error: " + reference + " has completed; nothing to resume\n", done.err());
        CliTest.Result none = CliTest.run("train", "--resume", tmp.toString());
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("error: " + tmp + " is not a run directory"), none.err());
        CliTest.Result both = CliTest.run("train", "--resume", tmp.toString(), "--config",
                "configs/quick/compress-mlp.yaml");
        assertEquals(2, both.code());
    }
}
