package org.distill4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.distill4j.data.Datasets;
import org.distill4j.data.FashionMnist;
import org.distill4j.data.ImageDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code distill data export}: the bundled sample as PNG class folders and as CSV, read back against the IDX bytes. */
class DataExportCliTest {
    @TempDir
    Path tmp;

    @Test
    void theSampleExportsAsImageFoldersAndCsvWithItsOwnPixels() throws Exception {
        ImageDataset train = FashionMnist.load(Path.of(Datasets.SAMPLE_DIR), "fashion-mnist-sample", false).train();
        Path dir = tmp.resolve("folders");
        CliTest.Result r = CliTest.run("data", "export", "--dataset", "fashion-mnist-sample", "--out", dir.toString(),
                "--limit", "30");
        assertEquals(0, r.code(), r.err());
        try (Stream<Path> s = Files.walk(dir.resolve("train"))) {
            assertEquals(30, s.filter(f -> f.toString().endsWith(".png")).count());
        }
        ImageDataset test = FashionMnist.load(Path.of(Datasets.SAMPLE_DIR), "fashion-mnist-sample", false).test();
        List<String> expected = java.util.stream.IntStream.of(java.util.Arrays.copyOf(test.labels(), 30)).distinct()
                .sorted().mapToObj(k -> List.of("0_T-shirt_top", "1_Trouser", "2_Pullover", "3_Dress", "4_Coat",
                        "5_Sandal", "6_Shirt", "7_Sneaker", "8_Bag", "9_Ankle_boot").get(k)).toList();
        try (Stream<Path> s = Files.list(dir.resolve("test"))) {
            // one folder per class among the first 30 test images, named <index>_<name>
            assertEquals(expected, s.map(f -> f.getFileName().toString()).sorted().toList());
        }
        for (int i : new int[]{0, 17, 29}) {
            Path png = dir.resolve("train").resolve(org.distill4j.data.DatasetExport.classFolder(train.labels()[i],
                    train.classNames())).resolve(String.format("%04d.png", i));
            BufferedImage img = ImageIO.read(png.toFile());
            assertEquals(28, img.getWidth());
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    assertEquals(train.pixels()[i * 784 + y * 28 + x] & 0xff, img.getRaster().getSample(x, y, 0),
                            png + " at " + x + "," + y);
                }
            }
        }

        Path csv = tmp.resolve("csv");
        assertEquals(0, CliTest.run("data", "export", "--dataset", "fashion-mnist-sample", "--format", "csv",
                "--out", csv.toString(), "--limit", "5").code());
        List<String> lines = Files.readAllLines(csv.resolve("train.csv"));
        assertEquals(6, lines.size());
        assertTrue(lines.get(0).startsWith("label,p0,p1,") && lines.get(0).endsWith(",p783"), lines.get(0));
        String[] row = lines.get(3).split(",");
        assertEquals(train.classNames().get(train.labels()[2]), row[0]);
        assertEquals(785, row.length);
        assertEquals(train.pixels()[2 * 784 + 400] & 0xff, Integer.parseInt(row[401]));

        CliTest.Result again = CliTest.run("data", "export", "--dataset", "fashion-mnist-sample", "--out",
                dir.toString());
        assertEquals(2, again.code());
        assertEquals("error: --out: " + dir + " exists; give a new folder", again.err().strip());
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("csv", "folders"), s.map(f -> f.getFileName().toString()).sorted().toList(),
                    "no temporary folder left behind");
        }
    }
}
