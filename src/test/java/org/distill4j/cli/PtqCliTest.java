package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.run.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code type: ptq} on a small convolutional student: static (entropy-calibrated activations) and dynamic (weights
 * only) quantization without training, each exported as ONNX that ONNX Runtime checks; a ptq after quantize and a
 * ptq with no calibration batches are one-line errors.
 */
class PtqCliTest {
    private static final String CONFIG = """
            version: 1
            name: tiny-ptq
            seed: 3
            dataset: {name: fashion-mnist-sample, validation: 0.1}
            student:
              arch: layers
              layers:
                - {type: conv, filters: 6, kernel: 3, stride: 2}
                - {type: batchnorm}
                - {type: conv, filters: 8, kernel: 3, stride: 2, activation: relu}
                - {type: dense, units: 32}
            stages:
              - {type: train, model: student, epochs: 12, batch_size: 64, optimizer: {type: adam, lr: 0.003}}
              - {type: ptq, mode: MODE, method: entropy, calibration_batches: 4, batch_size: 64}
              - {type: export, format: [d4jc, onnx]}
              - {type: evaluate}
            output: {dir: OUT}
            """;

    @TempDir
    Path tmp;

    private Path config(String mode, String extra) throws Exception {
        Path cfg = tmp.resolve("ptq-" + mode + ".yaml");
        Files.writeString(cfg, CONFIG.replace("MODE", mode).replace("OUT", tmp.resolve("out").toString())
                .replace("  - {type: export", extra + "  - {type: export"));
        return cfg;
    }

    @Test
    void staticAndDynamicPtqExportAsCheckedOnnx() throws Exception {
        for (String mode : new String[] {"static", "dynamic"}) {
            CliTest.Result r = CliTest.run("train", "--config", config(mode, "").toString());
            assertEquals(0, r.code(), r.err());
            Path run = Path.of(r.out().strip());
            JsonNode stages = Json.MAPPER.readTree(run.resolve("summary.json").toFile()).path("stages");
            JsonNode ptq = stages.path("ptq");
            assertEquals(mode, ptq.path("mode").asText());
            assertEquals(4, ptq.path("layers").size(), "two convolutions, the dense layer and the output layer");
            JsonNode ranges = ptq.path("activation_ranges");
            if (mode.equals("static")) {
                assertEquals("entropy", ptq.path("method").asText());
                assertEquals(256, ptq.path("calibration_examples").asInt());
                // the ReLUs of the two convolutions and of the dense layer: ranges from 0 up
                assertEquals(3, ranges.size(), ranges.toString());
                ranges.forEach(v -> assertTrue(v.get(0).asDouble() >= 0 && v.get(1).asDouble() > 0, v.toString()));
            } else {
                assertEquals(0, ranges.size());
            }
            JsonNode export = stages.path("export");
            assertTrue(export.path(mode.equals("static") ? "onnx_qdq" : "onnx_dynamic").asBoolean(),
                    export.toString());
            // static: the first convolution (pixels in, its ReLU out) and the dense layer run on integer kernels;
            // the batch norm after that ReLU stays float (layer lists are not folded), so the second convolution
            // reads a float tensor. Dynamic: the layers that read pixels or a ReLU's output (the first convolution
            // and both dense layers) quantize it at run time.
            assertTrue(export.path("onnx_integer_ops").asInt() >= (mode.equals("static") ? 2 : 3),
                    "integer kernels: " + export);
            assertTrue(export.path("onnx_agreement").asDouble() >= 0.995, export.toString());
            assertEquals(ptq.path("test_acc_after").asDouble(), export.path("test_accuracy").asDouble(), 1e-12,
                    "the export holds what ptq handed on");
        }
    }

    @Test
    void ptqAfterQuantizeAndWithoutCalibrationAreOneLineErrors() throws Exception {
        CliTest.Result twice = CliTest.run("train", "--config", config("static",
                "  - {type: ptq, name: again, mode: dynamic}\n").toString());
        assertEquals(2, twice.code());
        assertEquals("error: stages[2]: ptq after stages[1] (ptq): the student is quantized already\n", twice.err());
        CliTest.Result none = CliTest.run("train", "--config", config("static", "").toString(), "--set",
                "stages.ptq.calibration_batches=0");
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("error: stages[1].calibration_batches: must be"), none.err());
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written for a config error");
    }
}
