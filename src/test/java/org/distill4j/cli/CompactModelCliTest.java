package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.distill4j.config.Activation;
import org.distill4j.model.Architectures;
import org.distill4j.model.CompactModel;
import org.distill4j.model.MlpSpec;
import org.distill4j.model.Net;
import org.distill4j.run.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distill eval --model X.d4jc}: a damaged, cut or extended compact file is exit 2 with one line naming the
 * file; a version-1 file committed with an official run still evaluates to the accuracy its run reported.
 */
class CompactModelCliTest {
    @Test
    void damagedCompactModelsAreExitTwoWithOneLineNamingTheFile(@TempDir Path tmp) throws Exception {
        Net net = Architectures.build(new MlpSpec(List.of(16), Activation.RELU, 0.0), "a",
                new Architectures.InputShape(1, 28, 28), 10, 1);
        Path file = tmp.resolve("model.d4jc");
        CompactModel.write(net, Map.of(), true, file);
        byte[] good = Files.readAllBytes(file);
        CliTest.Result ok = CliTest.run("eval", "--model", file.toString(), "--dataset", "fashion-mnist-sample");
        assertEquals(0, ok.code(), ok.err());

        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        assertEquals("error: " + file + ": damaged (checksum mismatch: the file was changed or corrupted after it "
                + "was written)\n", evalError(file, flipped));
        assertEquals("error: " + file + " is cut short: 1000 of " + good.length + " bytes\n",
                evalError(file, Arrays.copyOf(good, 1000)));
        assertEquals("error: " + file + " has 3 bytes after its end\n",
                evalError(file, Arrays.copyOf(good, good.length + 3)));
    }

    /** Writes {@code bytes} to {@code file}, evaluates it, expects exit 2 and no output; returns stderr. */
    private static String evalError(Path file, byte[] bytes) throws Exception {
        Files.write(file, bytes);
        CliTest.Result r = CliTest.run("eval", "--model", file.toString(), "--dataset", "fashion-mnist-sample");
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("", r.out());
        return r.err();
    }

    @Test
    void aCommittedVersion1ExportEvaluatesToItsRunsAccuracy(@TempDir Path tmp) throws Exception {
        Path debian = Path.of("/usr/share/datasets/fashion-mnist");
        Assumptions.assumeTrue(Files.isRegularFile(debian.resolve("t10k-images-idx3-ubyte.gz"))
                || "true".equals(System.getenv("CI")), "dataset-fashion-mnist not installed");
        Path run = Path.of("experiments/official/fashion-mnist-mlp_prune_quant");
        Path json = tmp.resolve("eval.json");
        CliTest.Result r = CliTest.run("eval", "--model", run.resolve("export.d4jc").toString(), "--dataset",
                "fashion-mnist", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        double reported = Json.MAPPER.readTree(run.resolve("summary.json").toFile()).path("stages").path("export")
                .path("test_accuracy").asDouble();
        assertEquals(reported, Json.MAPPER.readTree(json.toFile()).path("accuracy").asDouble(), 0.0);
    }
}
