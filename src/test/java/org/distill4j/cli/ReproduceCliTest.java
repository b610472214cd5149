package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.distill4j.run.Json;
import org.distill4j.run.Reproduction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distill reproduce} on a quick config reproduces every metric exactly on this CPU; a changed metric or
 * provenance field is reported.
 */
class ReproduceCliTest {
    @Test
    void aQuickRunReproducesExactly(@TempDir Path tmp) throws Exception {
        CliTest.Result r = CliTest.run("train", "--config", "configs/quick/compress-mlp.yaml", "--set",
                "output.dir=" + tmp.resolve("runs"), "--set", "stages.train-teacher.epochs=1", "--set",
                "stages.distill.epochs=1", "--set", "stages.prune.epochs=2", "--set", "stages.quantize.epochs=1");
        assertEquals(0, r.code(), r.err());
        Path run = Path.of(r.out().trim());

        CliTest.Result rep = CliTest.run("reproduce", run.toString(), "--output-dir", tmp.resolve("again").toString());
        assertEquals(0, rep.code(), rep.out() + rep.err());
        assertTrue(rep.out().contains("reproduced exactly: all "), rep.out());
        assertTrue(rep.out().contains("stages.export.file_bytes"), rep.out());
        assertTrue(!rep.out().contains("warning:"), "same machine, same commit, same data: " + rep.out());
        Path again;
        try (Stream<Path> s = Files.walk(tmp.resolve("again"), 2)) {
            again = s.filter(p -> p.getNameCount() - tmp.resolve("again").getNameCount() == 2).findFirst()
                    .orElseThrow();
        }

        // a changed accuracy and a changed commit are reported
        ObjectNode summary = (ObjectNode) Json.MAPPER.readTree(again.resolve("summary.json").toFile());
        ((ObjectNode) summary.path("models").path("student")).put("test_accuracy", 0.5);
        Json.write(again.resolve("summary.json"), summary);
        ObjectNode prov = (ObjectNode) Json.MAPPER.readTree(again.resolve("provenance.json").toFile());
        ((ObjectNode) prov.path("code")).put("git_commit", "0000000");
        Json.write(again.resolve("provenance.json"), prov);
        Reproduction.Report report = Reproduction.compare(run, again);
        assertEquals(1, report.differing());
        assertEquals(List.of("models.student.test_accuracy"), report.rows().stream().filter(x -> !x.same())
                .map(Reproduction.Row::metric).toList());
        assertEquals(1, report.warnings().size());
        assertTrue(report.warnings().get(0).startsWith("code.git_commit differs: "), report.warnings().get(0));
    }

    @Test
    void notARunDirectoryIsExitTwo(@TempDir Path tmp) {
        CliTest.Result r = CliTest.run("reproduce", tmp.toString());
        assertEquals(2, r.code());
        assertEquals("error: " + tmp + " is not a completed run directory (needs config.resolved.yaml, "
                + "provenance.json, summary.json)\n", r.err());
    }
}
