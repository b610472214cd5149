package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.distill4j.model.Net;
import org.distill4j.model.WeightLayers;
import org.distill4j.run.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compression stages through the real command: the quick MLP recipe (distill, prune, quantize, export) with
 * short budgets; exact sparsity, codes per channel, and {@code distill eval} of the exported file reproducing the
 * run's accuracy; bad stage parameters are one-line errors.
 */
class CompressCliTest {
    @TempDir
    static Path out;
    static Path runDir;
    static CliTest.Result result;

    @BeforeAll
    static void compress() {
        result = CliTest.run("train", "--config", "configs/quick/compress-mlp.yaml", "--set", "output.dir=" + out,
                "--set", "stages.train-teacher.epochs=1", "--set", "stages.distill.epochs=1",
                "--set", "stages.prune.epochs=2", "--set", "stages.quantize.epochs=1");
        runDir = result.code() == 0 ? Path.of(result.out().trim()) : null;
    }

    @Test
    void pruneHitsItsTargetsExactly() throws IOException {
        assertEquals(0, result.code(), result.err());
        JsonNode prune = Json.MAPPER.readTree(runDir.resolve("summary.json").toFile()).path("stages").path("prune");
        // floor(0.9 * 235200) + floor(0.9 * 30000) + floor(0.7 * 1000) zeros of 266200 weights
        assertEquals((211680 + 27000 + 700) / 266200.0, prune.path("weight_sparsity").asDouble(), 1e-12);
        List<String> lines = Files.readAllLines(runDir.resolve("metrics.jsonl"));
        JsonNode lastPrune = null;
        for (String l : lines) {
            JsonNode n = Json.MAPPER.readTree(l);
            if (n.path("stage").asText().equals("prune")) {
                lastPrune = n;
            }
        }
        assertEquals(0.9, lastPrune.path("target_sparsity").asDouble(), 0.0);
    }

    @Test
    void exportedFileHoldsSixBitCodesAndReproducesTheAccuracy() throws IOException {
        assertEquals(0, result.code(), result.err());
        Path file = runDir.resolve("export.d4jc");
        Net net = Net.load(file);
        for (WeightLayers.WeightLayer l : WeightLayers.of(net)) {
            float[] rows = l.rows(net);
            int per = rows.length / l.channels();
            long zeros = 0;
            for (int c = 0; c < l.channels(); c++) {
                Set<Float> distinct = new HashSet<>();
                for (int i = c * per; i < (c + 1) * per; i++) {
                    distinct.add(rows[i]);
                    zeros += rows[i] == 0f ? 1 : 0;
                }
                assertTrue(distinct.size() <= 63, l.layer() + " channel " + c + " has " + distinct.size()
                        + " values; 6 bits allow 63");
            }
            double target = l.kind() == WeightLayers.Kind.OUTPUT ? 0.7 : 0.9;
            assertTrue(zeros >= Math.floor(target * rows.length), l.layer() + ": pruned weights came back");
        }
        JsonNode summary = Json.MAPPER.readTree(runDir.resolve("summary.json").toFile());
        double inRun = summary.path("models").path("student").path("test_accuracy").asDouble();
        assertEquals(inRun, summary.path("stages").path("export").path("test_accuracy").asDouble(), 0.0);
        assertEquals(Files.size(file), summary.path("stages").path("export").path("file_bytes").asLong());
        assertTrue(summary.path("stages").path("export").path("ratio_file").asDouble() > 15,
                "a 90%-sparse 6-bit model is far smaller than fp32");

        Path json = out.resolve("eval.json");
        CliTest.Result r = CliTest.run("eval", "--model", file.toString(), "--dataset", "fashion-mnist-sample",
                "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(inRun, Json.MAPPER.readTree(json.toFile()).path("accuracy").asDouble(), 0.0);

        JsonNode quantLine = null;
        for (String l : Files.readAllLines(runDir.resolve("metrics.jsonl"))) {
            JsonNode n = Json.MAPPER.readTree(l);
            if (n.path("stage").asText().equals("quantize")) {
                quantLine = n;
            }
        }
        assertTrue(quantLine.path("activation_ranges").path("dense1").path("frozen").asBoolean(), quantLine.toString());
    }

    @Test
    void kmeansSharingExportsOneCodebookPerLayerAndReproducesTheAccuracy(@TempDir Path tmp) throws IOException {
        CliTest.Result r = CliTest.run("train", "--config", "configs/quick/compress-mlp.yaml", "--set",
                "output.dir=" + tmp, "--set", "stages.train-teacher.epochs=1", "--set", "stages.distill.epochs=1",
                "--set", "stages.prune.epochs=2", "--set", "stages.quantize.epochs=1",
                "--set", "stages.quantize.scheme=kmeans", "--set", "stages.quantize.bits=4",
                // the .d4jc codebooks are what this test is about; this one-epoch model's ONNX export agrees with it
                // on 99.4% of the sample's test images, under the export's 99.5% bar
                "--set", "stages.export.format=d4jc");
        assertEquals(0, r.code(), r.err());
        Path run = Path.of(r.out().trim());
        Net net = Net.load(run.resolve("export.d4jc"));
        for (WeightLayers.WeightLayer l : WeightLayers.of(net)) {
            Set<Float> distinct = new HashSet<>();
            long zeros = 0;
            for (float v : l.rows(net)) {
                distinct.add(v);
                zeros += v == 0f ? 1 : 0;
            }
            assertTrue(distinct.size() <= 16 && distinct.contains(0f), l.layer() + " holds " + distinct.size()
                    + " values; a 4-bit codebook holds 0 and 15 more");
            double target = l.kind() == WeightLayers.Kind.OUTPUT ? 0.7 : 0.9;
            assertTrue(zeros >= Math.floor(target * l.size()), l.layer() + ": pruned weights came back");
        }
        JsonNode summary = Json.MAPPER.readTree(run.resolve("summary.json").toFile());
        JsonNode export = summary.path("stages").path("export");
        assertEquals(3, export.path("format_version").asInt());
        assertEquals("kmeans", summary.path("stages").path("quantize").path("scheme").asText());
        assertEquals(summary.path("models").path("student").path("test_accuracy").asDouble(),
                export.path("test_accuracy").asDouble(), 0.0);
        assertTrue(Files.readString(run.resolve("config.resolved.yaml")).contains("scheme: kmeans"));
        assertTrue(Files.readString(run.resolve("export.json")).contains("4-bit codebook indices"));
    }

    @Test
    void unknownSkipEntryIsOneLineExitTwo(@TempDir Path tmp) throws IOException {
        CliTest.Result r = CliTest.run("train", "--config", "configs/quick/compress-mlp.yaml", "--set",
                "output.dir=" + tmp, "--set", "stages.prune.skip=[dense7]");
        assertEquals(2, r.code());
        assertEquals("error: stages[2].skip[0]: no layer or layer kind 'dense7'; layers: dense1, dense2, output; "
                + "kinds: conv, dense, output, first-conv\n", r.err());
        assertEquals(List.of(), CliTest.runDirs(tmp));
        CliTest.Result b = CliTest.run("train", "--config", "configs/quick/compress-mlp.yaml", "--set",
                "output.dir=" + tmp, "--set", "stages.quantize.bits=16");
        assertEquals("error: stages[3].bits: must be 2..8, got 16\n", b.err());
        CliTest.Result rank = CliTest.run("train", "--config", "configs/quick/lowrank-mlp.yaml", "--set",
                "output.dir=" + tmp, "--set", "stages.lowrank.rank=500", "--set", "stages.lowrank.energy=null");
        assertEquals(2, rank.code());
        assertEquals("error: stages[2].rank: must be at most 300 for layer dense1 (784 x 300), got 500\n", rank.err());
        assertEquals(List.of(), CliTest.runDirs(tmp));
    }
}
