package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.distill4j.plugins.Plugins;
import org.distill4j.config.AugmentConfig;
import org.distill4j.config.DatasetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** IDX parsing, checksums, the resolver's errors, splits and batches. */
class DataTest {
    @TempDir
    Path dir;

    static final Path SAMPLE = Path.of(Datasets.SAMPLE_DIR);

    @Test
    void parsesIdxByHand() throws IOException {
        // magic 0x00000803 (3 dims: 2 x 2 x 3), then 12 pixel bytes
        byte[] raw = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, (byte) 255};
        Path p = dir.resolve("x-idx3-ubyte.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(raw);
        }
        IdxFile f = IdxFile.read(p);
        assertArrayEquals(new int[]{2, 2, 3}, f.dims());
        assertEquals(255, f.data()[11] & 0xff);
        assertEquals(IdxFile.sha256(raw), f.sha256());
        // the same content uncompressed has the same content checksum
        Path plain = dir.resolve("x-idx3-ubyte");
        Files.write(plain, raw);
        assertEquals(f.sha256(), IdxFile.read(plain).sha256());
    }

    @Test
    void rejectsBadIdx() throws IOException {
        Path bad = dir.resolve("bad");
        Files.write(bad, new byte[]{1, 2, 3, 4, 5});
        assertEquals(bad + ": not an IDX file of unsigned bytes (bad magic number)",
                assertThrows(DataException.class, () -> IdxFile.read(bad)).getMessage());
        Path truncated = dir.resolve("trunc");
        Files.write(truncated, new byte[]{0, 0, 8, 1, 0, 0, 0, 5, 1, 2});
        assertEquals(truncated + ": truncated or oversized IDX file: header says 5 bytes of data, found 2",
                assertThrows(DataException.class, () -> IdxFile.read(truncated)).getMessage());
        Path notGzip = dir.resolve("x.gz");
        Files.write(notGzip, new byte[]{0, 0, 8, 1});
        assertTrue(assertThrows(DataException.class, () -> IdxFile.read(notGzip)).getMessage()
                .startsWith("cannot read " + notGzip));
    }

    @Test
    void bundledSampleLoadsAndIsVerified() {
        FashionMnist.Splits s = Plugins.BUILTIN.loadDataset(new DatasetConfig("fashion-mnist-sample", null, 0.1, null),
                Path.of("."));
        assertEquals(5000, s.train().size());
        assertEquals(1000, s.test().size());
        assertEquals(28, s.train().height());
        int[] counts = new int[10];
        for (int y : s.train().labels()) {
            counts[y]++;
        }
        for (int c : counts) {
            assertEquals(500, c, "class-balanced sample");
        }
        assertEquals(4, s.train().checksums().size());
    }

    static Path copySample(Path target) throws IOException {
        Files.createDirectories(target);
        try (var files = Files.list(SAMPLE)) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return target;
    }

    @Test
    void corruptedSampleIsAnError() throws IOException {
        Path copy = copySample(dir.resolve("sample"));
        // replace the test labels with a valid IDX file of different content
        byte[] labels = new byte[1000];
        IdxFile.writeGz(copy.resolve("t10k-labels-idx1-ubyte.gz"), new int[]{1000}, labels);
        DataException e = assertThrows(DataException.class,
                () -> Plugins.BUILTIN.loadDataset(new DatasetConfig("fashion-mnist-sample", copy.toString(), 0.1, null),
                        Path.of(".")));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz: content checksum"), e.getMessage());
        assertTrue(e.getMessage().endsWith("is not the bundled fashion-mnist-sample's "
                + "(16896f0f64d42df2071b9b6ea970d4ae18cb4a86bc10f3ee8532ab985c1cdaaa, datasets/manifest.yaml); "
                + "the file is damaged or not the sample"), e.getMessage());
    }

    /** The sample's checksums are compiled in: a swapped sample whose own SHA256SUMS was edited to match is found. */
    @Test
    void aSwappedSampleWithItsOwnChecksumFileIsAnError() throws IOException {
        Path copy = copySample(dir.resolve("swapped"));
        Path labels = copy.resolve("t10k-labels-idx1-ubyte.gz");
        IdxFile.writeGz(labels, new int[]{1000}, new byte[1000]);
        String sum = IdxFile.read(labels).sha256();
        Path sums = copy.resolve(SampleManifest.FILE);
        Files.writeString(sums, Files.readString(sums).replace(
                "16896f0f64d42df2071b9b6ea970d4ae18cb4a86bc10f3ee8532ab985c1cdaaa", sum));
        DataException e = assertThrows(DataException.class, () -> Plugins.BUILTIN.loadDataset(
                new DatasetConfig("fashion-mnist-sample", copy.toString(), 0.1, null), Path.of(".")));
        assertEquals(labels + ": content checksum " + sum + " is not the bundled fashion-mnist-sample's "
                + "(16896f0f64d42df2071b9b6ea970d4ae18cb4a86bc10f3ee8532ab985c1cdaaa, datasets/manifest.yaml); "
                + "the file is damaged or not the sample", e.getMessage());
    }

    /** IDX headers that disagree with Fashion-MNIST's shape are named, with the file, before any checksum. */
    @Test
    void idxHeadersOfTheWrongShapeAreNamed() throws IOException {
        for (String name : List.of("fashion-mnist-sample", "fashion-mnist")) {
            Path copy = copySample(dir.resolve(name + "-32"));
            Path images = copy.resolve("t10k-images-idx3-ubyte.gz");
            IdxFile.writeGz(images, new int[]{1000, 32, 32}, new byte[1000 * 32 * 32]);
            assertEquals(images + ": the IDX header gives the shape [1000, 32, 32] (32x32 images); Fashion-MNIST "
                    + "images are [count, 28, 28]", loadError(name, copy));
            IdxFile.writeGz(images, new int[]{1000, 784}, new byte[1000 * 784]);
            assertEquals(images + ": the IDX header gives the shape [1000, 784] (2 dimensions); Fashion-MNIST "
                    + "images are [count, 28, 28]", loadError(name, copy));
        }
        Path copy = copySample(dir.resolve("count"));
        Path labels = copy.resolve("train-labels-idx1-ubyte.gz");
        IdxFile.writeGz(labels, new int[]{4999}, new byte[4999]);
        assertEquals(labels + ": the IDX header says 4999 labels, but train-images-idx3-ubyte.gz holds 5000 images; "
                + "the two files of a split must hold the same count", loadError("fashion-mnist-sample", copy));
        IdxFile.writeGz(labels, new int[]{50, 100}, new byte[5000]);
        assertEquals(labels + ": the IDX header gives the shape [50, 100] (2 dimensions); a labels file is [count]",
                loadError("fashion-mnist-sample", copy));
    }

    /** A dataset.path that is a file, or does not exist, says so for both datasets. */
    @Test
    void aDatasetPathThatIsNotADirectorySaysWhy() throws IOException {
        Path file = Files.writeString(dir.resolve("file.txt"), "x");
        for (String name : List.of("fashion-mnist-sample", "fashion-mnist")) {
            assertEquals("dataset.path: " + file + " is a file, not a directory", loadError(name, file));
            Path nope = dir.resolve("nope");
            assertEquals("dataset.path: " + nope + " does not exist", loadError(name, nope));
        }
    }

    private static String loadError(String name, Path path) {
        return assertThrows(DataException.class, () -> Plugins.BUILTIN.loadDataset(
                new DatasetConfig(name, path.toString(), 0.1, null), Path.of("."))).getMessage();
    }

    @Test
    void configuredPathWithoutFilesIsAnError() {
        DataException e = assertThrows(DataException.class, () -> FashionMnist.loadFull(dir.toString(), false));
        assertEquals("dataset.path: " + dir + " does not hold the four Fashion-MNIST files ("
                + "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
                + "t10k-labels-idx1-ubyte.gz); missing: "
                + "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
                + "t10k-labels-idx1-ubyte.gz", e.getMessage());
    }

    @Test
    void fullSetContentChecksumsAreVerified() throws IOException {
        // a directory with the sample's files under the full set's names: loads, but fails the official checksums
        Path fake = copySample(dir.resolve("fake"));
        DataException e = assertThrows(DataException.class, () -> FashionMnist.loadFull(fake.toString(), false));
        assertTrue(e.getMessage().contains("content checksum mismatch"), e.getMessage());
    }

    @Test
    void officialFullSetWhenInstalled() {
        Path debian = Path.of("/usr/share/datasets/fashion-mnist");
        org.junit.jupiter.api.Assumptions.assumeTrue(FashionMnist.hasAll(debian) || "true".equals(System.getenv("CI")),
                "dataset-fashion-mnist not installed");
        FashionMnist.Splits s = FashionMnist.load(debian, "fashion-mnist", true);
        assertEquals(60000, s.train().size());
        assertEquals(10000, s.test().size());
    }

    @Test
    void unknownDatasetListsKnownOnes() {
        var e = assertThrows(org.distill4j.config.ConfigException.class,
                () -> Plugins.BUILTIN.loadDataset(new DatasetConfig("cifar10", null, 0.1, null), Path.of(".")));
        assertEquals("dataset.name: unknown dataset 'cifar10'; known: csv, fashion-mnist, fashion-mnist-sample, "
                + "image-folder", e.getMessage());
    }

    @Test
    void teacherAndOneHotGathersRowsInBatchOrder() {
        ImageDataset d = tiny(4); // labels 0, 1, 2, 0; 3 classes
        Batches b = new Batches(d, null);
        float[] table = {
            0.0f, 0.1f, 0.2f,
            1.0f, 1.1f, 1.2f,
            2.0f, 2.1f, 2.2f,
            3.0f, 3.1f, 3.2f};
        int[] order = {3, 1, 0, 2};
        INDArray l = b.teacherAndOneHot(table, order, 1, 3); // examples 1 then 0
        assertArrayEquals(new long[] {2, 6}, l.shape());
        assertArrayEquals(new float[] {1.0f, 1.1f, 1.2f, 0, 1, 0}, l.getRow(0).toFloatVector());
        assertArrayEquals(new float[] {0.0f, 0.1f, 0.2f, 1, 0, 0}, l.getRow(1).toFloatVector());
        assertThrows(IllegalArgumentException.class, () -> b.teacherAndOneHot(new float[7], order, 0, 1));
    }

    static ImageDataset tiny(int n) {
        byte[] px = new byte[n * 4];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 4; j++) {
                px[i * 4 + j] = (byte) (i + j);
            }
        }
        return new ImageDataset("tiny", px, y, 1, 2, 2, java.util.List.of("a", "b", "c"), java.util.Map.of());
    }

    @Test
    void splitIsSeededDisjointAndComplete() {
        ImageDataset d = tiny(100);
        ImageDataset[] a = d.split(0.2, 5);
        ImageDataset[] b = d.split(0.2, 5);
        ImageDataset[] c = d.split(0.2, 6);
        assertEquals(80, a[0].size());
        assertEquals(20, a[1].size());
        assertArrayEquals(a[1].pixels(), b[1].pixels());
        assertNotEquals(java.util.Arrays.toString(a[1].pixels()), java.util.Arrays.toString(c[1].pixels()));
        java.util.Set<Integer> firstPixels = new java.util.HashSet<>();
        for (ImageDataset part : a) {
            for (int i = 0; i < part.size(); i++) {
                firstPixels.add(part.pixels()[i * 4] & 0xff);
            }
        }
        assertEquals(100, firstPixels.size());
    }

    @Test
    void batchesScaleAndOneHot() {
        Batches b = new Batches(tiny(4), null);
        int[] order = {3, 1};
        INDArray f = b.features(order, 0, 2, null);
        assertArrayEquals(new long[]{2, 4}, f.shape());
        assertEquals(3 / 255.0, f.getDouble(0, 0), 1e-6);
        assertEquals(4 / 255.0, f.getDouble(1, 3), 1e-6);
        INDArray y = b.oneHot(order, 0, 2);
        assertArrayEquals(new double[]{1, 0, 0}, y.getRow(0).toDoubleVector());
        assertArrayEquals(new double[]{0, 1, 0}, y.getRow(1).toDoubleVector());
        assertEquals(2, b.numBatches(3));
        assertTrue(b.deterministic());
    }

    @Test
    void augmentationFlipsAndShiftsRepeatably() {
        Batches flip = new Batches(tiny(1), new AugmentConfig(true, 0));
        assertTrue(!flip.deterministic());
        // image [[0,1],[2,3]]; a flip gives [[1,0],[3,2]]
        boolean sawFlip = false;
        boolean sawPlain = false;
        Random rng = new Random(1);
        for (int i = 0; i < 20; i++) {
            double[] v = flip.features(new int[]{0}, 0, 1, rng).muli(255).toDoubleVector();
            if (Math.round(v[0]) == 1 && Math.round(v[1]) == 0 && Math.round(v[2]) == 3 && Math.round(v[3]) == 2) {
                sawFlip = true;
            } else if (Math.round(v[0]) == 0 && Math.round(v[1]) == 1) {
                sawPlain = true;
            }
        }
        assertTrue(sawFlip && sawPlain);
        Batches shift = new Batches(tiny(5), new AugmentConfig(false, 1));
        assertEquals(shift.features(new int[]{0, 1, 2, 3, 4}, 0, 5, new Random(9)),
                shift.features(new int[]{0, 1, 2, 3, 4}, 0, 5, new Random(9)));
    }
}
