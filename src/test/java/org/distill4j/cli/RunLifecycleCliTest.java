package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distill4j.run.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code distill train} process: bad input is exactly one line (no backend start-up logging before it, and
 * an output directory that cannot hold runs is found before any data or model is loaded); the run directory is named
 * on stderr as soon as it exists; SIGTERM says how to continue, marks the run interrupted, and the resumed run ends
 * as an uninterrupted one.
 */
class RunLifecycleCliTest {
    static final String CONFIG = """
            version: 1
            dataset: {name: fashion-mnist-sample}
            student: {arch: mlp, hidden: [8]}
            stages:
              - {type: train, model: student, epochs: 12}
            """;

    record Proc(int code, String out, String err) {
    }

    /** Starts {@code distill} in its own JVM (the classpath of the tests, the main class of the jar). */
    static Process start(Path logs, String... args) throws IOException {
        List<String> cmd = CliTest.javaCommand(List.of("-Xmx1g"), args);
        Files.createDirectories(logs);
        return new ProcessBuilder(cmd).redirectOutput(logs.resolve("out").toFile())
                .redirectError(logs.resolve("err").toFile()).start();
    }

    static Proc ended(Process p, Path logs) throws Exception {
        int code = p.waitFor();
        return new Proc(code, Files.readString(logs.resolve("out")), Files.readString(logs.resolve("err")));
    }

    @Test
    void badInputIsExactlyOneLineAndNothingElse(@TempDir Path tmp) throws Exception {
        Proc net = ended(start(tmp.resolve("net"), "train", "--config", "configs/quick/distill-mlp.yaml", "--set",
                "output.dir=" + tmp.resolve("runs"), "--set", "student={arch: layers, layers: [{type: conv, "
                + "filters: 4, kernel: 15, padding: valid}, {type: conv, filters: 4, kernel: 15, padding: valid}]}"),
                tmp.resolve("net"));
        assertEquals(2, net.code(), net.err());
        assertEquals("", net.out());
        assertEquals(1, net.err().lines().count(), net.err());
        assertTrue(net.err().startsWith("error: student.arch: this network cannot be built for 1x28x28 inputs: "),
                net.err());

        Path file = Files.writeString(tmp.resolve("a-file"), "");
        Proc onFile = ended(start(tmp.resolve("file"), "train", "--config", "configs/quick/distill-mlp.yaml",
                "--set", "output.dir=" + file), tmp.resolve("file"));
        assertEquals(2, onFile.code(), onFile.err());
        assertEquals("", onFile.out());
        assertEquals("error: output.dir: " + file + " is a file, not a directory\n", onFile.err());
        // below a file, in-process (no backend to start)
        CliTest.Result under = CliTest.run("train", "--config", "configs/quick/distill-mlp.yaml", "--set",
                "output.dir=" + file.resolve("runs"));
        assertEquals(2, under.code(), under.err());
        assertEquals("error: output.dir: " + file.resolve("runs") + " cannot be created: " + file
                + " is a file, not a directory\n", under.err());
        assertEquals("", Files.readString(file));
    }

    @Test
    void sigtermSaysHowToContinueAndTheResumedRunEndsAsAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        Path config = Files.writeString(tmp.resolve("long.yaml"), CONFIG);
        CliTest.Result ref = CliTest.run("train", "--config", config.toString(), "--set",
                "output.dir=" + tmp.resolve("reference"));
        assertEquals(0, ref.code(), ref.err());
        Path reference = Path.of(ref.out().strip());

        Path root = tmp.resolve("stopped");
        Path logs = tmp.resolve("logs");
        Process p = start(logs, "train", "--config", config.toString(), "--set", "output.dir=" + root);
        Path checkpoint = null;
        long deadline = System.nanoTime() + 300_000_000_000L;
        try {
            while (checkpoint == null && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                checkpoint = LiveFiles.find(root, 6, x -> x.endsWith(Path.of("epoch-1", "state.json")));
            }
        } finally {
            p.destroy(); // SIGTERM
        }
        Proc stopped = ended(p, logs);
        assertNotNull(checkpoint, "the run ended before its first checkpoint: " + stopped.err());
        Path run = checkpoint.getParent().getParent().getParent().getParent();
        assertEquals(143, stopped.code(), stopped.err());
        assertEquals("", stopped.out(), "stdout carries the run directory only when the run ends");
        List<String> err = stopped.err().lines().toList();
        assertEquals("run directory: " + run, err.get(0), stopped.err());
        assertEquals("distill: stopped; continue with: distill train --resume " + run, err.get(err.size() - 1),
                stopped.err());
        assertEquals("interrupted", Json.MAPPER.readTree(run.resolve("provenance.json").toFile()).path("status")
                .asText());

        CliTest.Result resumed = CliTest.run("train", "--resume", run.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(run.toString(), resumed.out().strip());
        assertTrue(resumed.err().startsWith("run directory: " + run + "\n"), resumed.err());
        JsonNode prov = Json.MAPPER.readTree(run.resolve("provenance.json").toFile());
        assertEquals("completed", prov.path("status").asText());
        assertEquals("interrupted", prov.path("resumed").path(0).path("after_status").asText());
        assertEquals(ResumeCliTest.stripTimes(reference), ResumeCliTest.stripTimes(run));
        JsonNode a = Json.MAPPER.readTree(reference.resolve("summary.json").toFile());
        JsonNode b = Json.MAPPER.readTree(run.resolve("summary.json").toFile());
        assertEquals(a.path("stages").path("train-student").path("final_loss").asDouble(),
                b.path("stages").path("train-student").path("final_loss").asDouble(), 0.0);
    }
}
