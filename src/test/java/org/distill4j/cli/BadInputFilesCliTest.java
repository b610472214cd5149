package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.distill4j.config.Activation;
import org.distill4j.data.IdxFile;
import org.distill4j.model.Architectures;
import org.distill4j.model.MlpSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data and model files that are not what they should be: each is one line naming the file (or the key that names
 * it) and what is wrong, with exit 2, through the real command line.
 */
class BadInputFilesCliTest {
    @TempDir
    Path dir;

    @Test
    void aDatasetPathThatIsAFileOrAnIdxOfTheWrongShapeIsOneLine() throws IOException {
        Path file = Files.writeString(dir.resolve("data.txt"), "x");
        CliTest.Result r = CliTest.run("train", "--config", "configs/quick/distill-mlp.yaml", "--set",
                "output.dir=" + dir.resolve("runs"), "--set", "dataset.path=" + file);
        assertEquals(2, r.code(), r.err());
        assertEquals("error: dataset.path: " + file + " is a file, not a directory", r.err().strip());

        Path copy = Files.createDirectories(dir.resolve("sample"));
        try (var files = Files.list(Path.of("datasets/fashion-mnist-sample"))) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path images = copy.resolve("train-images-idx3-ubyte.gz");
        IdxFile.writeGz(images, new int[]{5000, 32, 32}, new byte[5000 * 32 * 32]);
        r = CliTest.run("train", "--config", "configs/quick/distill-mlp.yaml", "--set",
                "output.dir=" + dir.resolve("runs"), "--set", "dataset.path=" + copy);
        assertEquals(2, r.code(), r.err());
        assertEquals("error: " + images + ": the IDX header gives the shape [5000, 32, 32] (32x32 images); "
                + "Fashion-MNIST images are [count, 28, 28]", r.err().strip());
        assertTrue(!Files.exists(dir.resolve("runs")), "nothing written");
    }

    @Test
    void aModelFileThatIsNotADl4jModelIsOneLine() throws IOException {
        Path good = dir.resolve("good.zip");
        Architectures.build(new MlpSpec(List.of(8), Activation.RELU, 0.0), "a", new Architectures.InputShape(1, 28, 28),
                10, 1).save(good);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(good.toFile())) {
            for (var e : java.util.Collections.list(z.entries())) {
                entries.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        }
        Path notZip = Files.writeString(dir.resolve("notzip.zip"), "not a zip");
        Path noConfig = zip("noconfig.zip", entries, "configuration.json", null);
        Path garbage = zip("garbage.zip", entries, "configuration.json", "{garbage".getBytes(StandardCharsets.UTF_8));
        Path empty = zip("empty.zip", entries, "configuration.json", "{}".getBytes(StandardCharsets.UTF_8));
        Path noWeights = zip("noweights.zip", entries, "coefficients.bin", null);

        assertEquals("error: " + notZip + " is not a DL4J model: not a zip file (zip END header not found)",
                eval(notZip));
        assertEquals("error: " + noConfig + " is not a DL4J model: configuration.json is missing", eval(noConfig));
        assertTrue(eval(garbage).startsWith("error: " + garbage + " is not a DL4J model: configuration.json is "
                + "missing or invalid ("), eval(garbage));
        assertEquals("error: " + empty + " is not a DL4J model: configuration.json is missing or invalid (it "
                + "describes no network)", eval(empty));
        assertEquals("error: " + noWeights + " is not a DL4J model: coefficients.bin (the weights) is missing",
                eval(noWeights));
        assertEquals("error: " + dir + " is not a DL4J model: it is a directory", eval(dir));

        Path config = Files.writeString(dir.resolve("load.yaml"), """
                version: 1
                dataset: {name: fashion-mnist-sample}
                teacher: {load: TEACHER}
                student: {arch: mlp, hidden: [16]}
                stages:
                  - {type: distill, epochs: 1}
                """.replace("TEACHER", garbage.toString()));
        CliTest.Result r = CliTest.run("train", "--config", config.toString(), "--set",
                "output.dir=" + dir.resolve("runs"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: teacher.load: " + garbage + " is not a DL4J model: configuration.json "
                + "is missing or invalid ("), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        r = CliTest.run("train", "--config", config.toString(), "--set", "output.dir=" + dir.resolve("runs"),
                "--set", "teacher.load=" + noWeights);
        assertEquals("error: teacher.load: " + noWeights + " is not a DL4J model: coefficients.bin (the weights) is "
                + "missing", r.err().strip());
        assertTrue(!Files.exists(dir.resolve("runs")), "nothing written");
    }

    /** The stderr of {@code distill eval --model file}, which must exit 2 with one line. */
    private static String eval(Path model) {
        CliTest.Result r = CliTest.run("eval", "--model", model.toString(), "--dataset", "fashion-mnist-sample");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        return r.err().strip();
    }

    /** A copy of {@code entries} as a zip in which {@code name} holds {@code content}, or is left out when null. */
    private Path zip(String file, Map<String, byte[]> entries, String name, byte[] content) throws IOException {
        Path p = dir.resolve(file);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(p))) {
            for (var e : entries.entrySet()) {
                byte[] b = e.getKey().equals(name) ? content : e.getValue();
                if (b != null) {
                    out.putNextEntry(new ZipEntry(e.getKey()));
                    out.write(b);
                    out.closeEntry();
                }
            }
        }
        return p;
    }
}
