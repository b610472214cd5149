package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distill4j.config.Activation;
import org.distill4j.model.Architectures;
import org.distill4j.model.MlpSpec;
import org.distill4j.model.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loaded model whose input or class count does not fit the dataset is a one-line error naming the key, with exit
 * 2, before anything is written or trained; {@code distill eval --model} says the same.
 */
class LoadedModelShapeTest {
    @Test
    void aLoadedModelThatDoesNotFitTheDatasetIsOneLineBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        MlpSpec mlp = new MlpSpec(List.of(8), Activation.RELU, 0.0);
        Path threeClasses = dir.resolve("three.zip");
        Architectures.build(mlp, "a", new Architectures.InputShape(1, 28, 28), 3, 1).save(threeClasses);
        Path hundredInputs = dir.resolve("hundred.zip");
        Architectures.build(mlp, "a", new Architectures.InputShape(1, 10, 10), 10, 1).save(hundredInputs);

        Path config = Files.writeString(dir.resolve("load.yaml"), """
                version: 1
                dataset: {name: fashion-mnist-sample}
                teacher: {arch: mlp, hidden: [16]}
                student: {load: STUDENT}
                stages:
                  - {type: train, model: teacher, epochs: 1}
                  - {type: evaluate}
                """.replace("STUDENT", threeClasses.toString()));
        String output = "output.dir=" + dir.resolve("runs");
        CliTest.Result r = CliTest.run("train", "--config", config.toString(), "--set", output);
        assertEquals(2, r.code());
        assertEquals("error: student.load: the model outputs 3 classes, the dataset has 10", r.err().strip());
        assertTrue(!Files.exists(dir.resolve("runs")), "nothing written, no teacher trained");

        r = CliTest.run("train", "--config", config.toString(), "--set", output, "--set",
                "student.load=" + hundredInputs);
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: student.load: the model cannot take the dataset's 1x28x28 images (784 "
                + "inputs): "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        r = CliTest.run("eval", "--model", threeClasses.toString(), "--dataset", "fashion-mnist-sample");
        assertEquals(2, r.code());
        assertEquals("error: --model " + threeClasses + ": the model outputs 3 classes, the dataset has 10",
                r.err().strip());
        Net fits = Architectures.build(mlp, "a", new Architectures.InputShape(1, 28, 28), 10, 1);
        fits.checkFits(new Architectures.InputShape(1, 28, 28), 10, "x");
    }

    /** A network whose parameters alone cannot fit this JVM's memory is refused in a second, before allocating. */
    @Test
    void aNetworkTooLargeToTrainIsRefusedBeforeAllocating(@TempDir Path dir) {
        long t0 = System.nanoTime();
        CliTest.Result r = CliTest.run("train", "--config", "configs/quick/distill-mlp.yaml", "--set",
                "output.dir=" + dir.resolve("runs"), "--set", "student.hidden=[65536,65536,65536]");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: student.arch: the network has 8,642,166,794 parameters, which need about "
                + "128.8 GiB to train (weights, gradients, Adam state), more than the "), r.err());
        assertTrue(r.err().strip().endsWith("make it smaller"), r.err());
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "refused before allocating");
        assertTrue(!Files.exists(dir.resolve("runs")));
    }

    /**
     * A network that fits but whose activations at the stage's batch size cannot (a wide convolution without pooling
     * keeps 28x28x512 floats per image and layer, 1.6 MB; 4,096 images need gigabytes) is refused at that stage's
     * batch_size before anything trains. The estimate is at least the activations counted by hand.
     */
    @Test
    void aBatchTooLargeForMemoryIsRefusedAtItsStage(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("wide.yaml"), """
                version: 1
                dataset: {name: fashion-mnist-sample}
                student:
                  arch: layers
                  layers: [{type: conv, filters: 512, kernel: 3, padding: same},
                           {type: conv, filters: 512, kernel: 3, padding: same}, {type: global-pool}]
                stages:
                  - {type: train, model: student, epochs: 1, batch_size: 64}
                  - {type: train, model: student, name: big, epochs: 1, batch_size: 4096}
                """);
        CliTest.Result r = CliTest.run("train", "--config", config.toString(), "--set",
                "output.dir=" + dir.resolve("runs"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: stages[1].batch_size: the student training on batches of 4096 needs "
                + "about "), r.err());
        assertTrue(r.err().strip().endsWith("use a smaller batch_size"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(!Files.exists(dir.resolve("runs")));

        Architectures.InputShape in = new Architectures.InputShape(1, 28, 28);
        Net wide = Architectures.build(org.distill4j.config.ConfigLoader.load(config, List.of(),
                org.distill4j.plugins.Plugins.BUILTIN.schema()).model(
                org.distill4j.config.ModelSlot.STUDENT).arch(), "student.arch", in, 10, 1);
        long activations = 2L * 28 * 28 * 512 * Float.BYTES; // per image: two conv outputs
        long im2col = 9L * 512 * 28 * 28 * Float.BYTES; // per image: the second conv's unfolded 3x3x512 input
        long at64 = wide.memoryBytes(in, 64, true);
        long at8192 = wide.memoryBytes(in, 8192, true);
        assertTrue(at8192 >= 8192 * activations, at8192 + " < " + 8192 * activations);
        // forward values and their gradients: about twice activations and work space, not more than three times
        assertTrue(at8192 < 3 * 8192 * (activations + im2col), at8192 + " > 3x activations and work space");
        assertTrue(wide.memoryBytes(in, 8192, false) < at8192, "inference keeps less than training");
        assertTrue(at64 < org.distill4j.model.Architectures.memoryLimit(), "batch 64 fits");
    }
}
