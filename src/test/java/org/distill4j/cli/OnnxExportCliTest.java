package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.run.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export} with {@code format: [d4jc, onnx]} on the quick LeNet-5 compression (pruned, 6-bit weights, 8-bit
 * activations): the ONNX file is QDQ with int8 weight codes, carries the run's provenance, {@code distill eval}
 * of it through ONNX Runtime gives the accuracy the stage checked and {@code distill bench --model} times it beside
 * the .d4jc in DL4J; a file ONNX Runtime cannot read is a one-line error.
 */
class OnnxExportCliTest {
    @TempDir
    Path tmp;

    @Test
    void aQuantizedLenet5ExportsAsQdqOnnxThatEvalRuns() throws Exception {
        CliTest.Result r = CliTest.run("train", "--config", "configs/quick/compress-lenet5.yaml", "--set",
                "output.dir=" + tmp, "--set", "stages.train-teacher.epochs=1", "--set", "stages.distill.epochs=1",
                "--set", "stages.prune.epochs=1", "--set", "stages.quantize.epochs=1");
        assertEquals(0, r.code(), r.err());
        Path run = Path.of(r.out().strip());
        JsonNode export = Json.MAPPER.readTree(run.resolve("summary.json").toFile()).path("stages").path("export");
        assertEquals("export.onnx", export.path("onnx_file").asText());
        assertTrue(export.path("onnx_qdq").asBoolean());
        assertTrue(export.path("onnx_agreement").asDouble() >= 0.995, export.toString());
        assertTrue(Math.abs(export.path("onnx_test_accuracy").asDouble() - export.path("test_accuracy").asDouble())
                <= 0.003, export.toString());
        assertTrue(Files.isRegularFile(run.resolve("export.d4jc")));
        Path onnx = run.resolve("export.onnx");
        assertEquals(Files.size(onnx), export.path("onnx_bytes").asLong());

        OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(onnx));
        Map<String, String> meta = new HashMap<>();
        m.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
        JsonNode prov = Json.MAPPER.readTree(run.resolve("provenance.json").toFile());
        assertEquals(prov.path("config_sha256").asText(), meta.get("distill4j.config_sha256"));
        assertEquals("6 (stored as int8 codes within the narrower range)", meta.get("distill4j.weight_bits"));
        assertTrue(meta.get("distill4j.classes").startsWith("T-shirt/top,Trouser,"), meta.toString());
        long int8Weights = m.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == OnnxMl.TensorProto.DataType.INT8.getNumber() && t.getDimsCount() > 1)
                .count();
        assertEquals(5, int8Weights, "LeNet-5's five weight layers as int8 codes");

        Path json = tmp.resolve("eval.json");
        CliTest.Result eval = CliTest.run("eval", "--model", onnx.toString(), "--dataset", "fashion-mnist-sample",
                "--json", json.toString());
        assertEquals(0, eval.code(), eval.err());
        assertEquals(export.path("onnx_test_accuracy").asDouble(),
                Json.MAPPER.readTree(json.toFile()).path("accuracy").asDouble(), 1e-12);

        Path benchJson = tmp.resolve("bench.json");
        CliTest.Result bench = CliTest.run("bench", "--model", onnx.toString(), "--model",
                run.resolve("export.d4jc").toString(), "--onnx-threads", "1,2", "--batch", "16", "--warmup", "0",
                "--iters", "2", "--repeats", "1", "--dataset", "fashion-mnist-sample", "--json", benchJson.toString());
        assertEquals(0, bench.code(), bench.err());
        List<String> rows = new ArrayList<>();
        Json.MAPPER.readTree(benchJson.toFile()).path("rows").forEach(row -> rows.add(row.path("row").asText()));
        assertEquals(List.of("infer-onnx:" + onnx + "@1t", "infer-onnx:" + onnx + "@2t",
                "infer:" + run.resolve("export.d4jc")), rows);

        Path bad = tmp.resolve("bad.onnx");
        Files.writeString(bad, "not a model");
        CliTest.Result badEval = CliTest.run("eval", "--model", bad.toString(), "--dataset", "fashion-mnist-sample");
        assertEquals(2, badEval.code());
        assertEquals(1, badEval.err().lines().count(), badEval.err());
        assertTrue(badEval.err().startsWith("error: " + bad + " is not a model ONNX Runtime can run: "),
                badEval.err());
    }
}
