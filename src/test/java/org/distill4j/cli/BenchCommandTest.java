package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.config.InputException;
import org.distill4j.bench.ThroughputBench;
import org.distill4j.model.Backend;
import org.distill4j.run.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code distill bench}: a tiny real run, the reference file reader, and the distillation-overhead arithmetic. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void smallRunWritesRowsAndComparesWithTheReference() throws IOException {
        Path peer = dir.resolve("peer.jsonl");
        Files.writeString(peer, "{\"kind\": \"train\", \"rows\": []}\n"
                + "{\"kind\": \"bench\", \"rows\": [{\"row\": \"train:mlp_student\", \"samples_per_s\": "
                + "1000000.0}]}\n");
        Path json = dir.resolve("b.json");
        CliTest.Result r = CliTest.run("bench", "--dataset", "fashion-mnist-sample", "--rows",
                "train:mlp_student,distill-cached:mlp_teacher->mlp_student", "--warmup", "1", "--iters", "2",
                "--repeats", "3", "--peer", peer.toString(), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("train:mlp_student"), r.out());
        JsonNode doc = Json.MAPPER.readTree(json.toFile());
        assertEquals(2, doc.path("rows").size());
        JsonNode row = doc.path("rows").get(0);
        assertEquals("train:mlp_student", row.path("row").asText());
        assertEquals(3, row.path("repeat_s").size());
        double sps = row.path("samples_per_s").asDouble();
        assertTrue(sps > 0);
        assertEquals(sps / 1e6, row.path("ratio_to_peer").asDouble(), 1e-9);
        double ms = row.path("ms_per_iter").asDouble();
        assertEquals(128 * 1000 / sps, ms, 1e-9 * ms, "ms per step and samples/s describe the same median block");
        assertTrue(doc.path("peak_rss_bytes").asLong() > 0);
        assertTrue(doc.path("backend").path("build_flags").toString().contains("HAVE_ONEDNN"));
        assertEquals(1, doc.path("distill_overheads").size(),
                "the cached distill row is compared with train:mlp_student");
    }

    @Test
    void unknownRowIsBadInput() {
        CliTest.Result r = CliTest.run("bench", "--dataset", "fashion-mnist-sample", "--rows", "train:vgg");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown row 'train:vgg'") && r.err().contains("train:resnet8"), r.err());
        r = CliTest.run("bench", "--dataset", "fashion-mnist-sample", "--rows", "train:mlp", "--batch", "100000");
        assertEquals(2, r.code());
        assertEquals("error: --batch 100000 is larger than the dataset's training split (5000 images)",
                r.err().strip());
    }

    @Test
    void peerFileErrorsAreBadInput() throws IOException {
        Path missing = dir.resolve("nope.jsonl");
        assertThrows(InputException.class, () -> BenchCommand.readPeer(missing));
        Path noBench = dir.resolve("train-only.jsonl");
        Files.writeString(noBench, "{\"kind\": \"train\"}\n");
        InputException e = assertThrows(InputException.class, () -> BenchCommand.readPeer(noBench));
        assertTrue(e.getMessage().contains("no bench record"), e.getMessage());
        Path garbage = dir.resolve("garbage.jsonl");
        Files.writeString(garbage, "not json\n");
        assertThrows(InputException.class, () -> BenchCommand.readPeer(garbage));
        CliTest.Result r = CliTest.run("bench", "--peer", missing.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void distillOverheadIsStepTimeOverItsParts() {
        Map<String, ThroughputBench.Result> m = new LinkedHashMap<>();
        m.put("train:s", result("train:s", "train", 10.0));
        m.put("infer:t", result("infer:t", "infer", 4.0));
        m.put("distill:t->s", result("distill:t->s", "distill", 14.7));
        m.put("distill-cached:t->s", result("distill-cached:t->s", "distill-cached", 10.5));
        List<Map<String, Object>> o = BenchCommand.distillOverheads(m);
        assertEquals(2, o.size());
        assertEquals(14.0, (Double) o.get(0).get("against_ms"), 1e-12);
        assertEquals(1.05, (Double) o.get(0).get("ratio"), 1e-12);
        assertEquals(1.05, (Double) o.get(1).get("ratio"), 1e-12);
        m.remove("infer:t");
        assertEquals(1, BenchCommand.distillOverheads(m).size(), "no teacher inference row, no per-batch comparison");
    }

    @Test
    void defaultNativeBuildHasOneDnn() {
        assertTrue(Backend.nativeOneDnn(), "the default nd4j-native build should link oneDNN; flags: "
                + Backend.buildFlags());
    }

    private static ThroughputBench.Result result(String name, String kind, double ms) {
        return new ThroughputBench.Result(name, kind, 128, ms, 128 / ms * 1000, 128 / ms * 1000, 0, List.of(), 0);
    }
}
