package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.distill4j.config.AugmentConfig;
import org.distill4j.config.ConfigException;
import org.distill4j.config.DatasetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image folders read through DataVec: the bundled sample exported as PNG folders reads back as its own bytes and
 * labels; RGB keeps its channel order; bad folders are one-line errors naming the file.
 */
class ImageFolderTest {
    @TempDir
    Path tmp;

    private static DatasetConfig config(Path train, Path test, int h, int w, Integer channels) {
        return new DatasetConfig("image-folder", null, 0.1, new AugmentConfig(false, 0), train.toString(),
                test.toString(), h, w, channels);
    }

    @Test
    void theExportedSampleReadsBackAsItsOwnPixelsAndLabels() throws IOException {
        FashionMnist.Splits idx = FashionMnist.load(Path.of(Datasets.SAMPLE_DIR), "fashion-mnist-sample", false);
        Path out = tmp.resolve("folders");
        DatasetExport.write(idx.train(), idx.test(), DatasetExport.Format.IMAGE_FOLDER, out, 120);
        FashionMnist.Splits s = ImageFolder.load(config(out.resolve("train"), out.resolve("test"), 28, 28, null));
        ImageDataset tr = s.train();
        assertEquals(120, tr.size());
        assertEquals(10, tr.numClasses());
        assertEquals("0_T-shirt_top", tr.classNames().get(0));
        // files are read in file-name order: the export's names are the images' indices, so the order is the IDX one
        assertArrayEquals(Arrays.copyOf(idx.train().labels(), 120), tr.labels());
        assertArrayEquals(Arrays.copyOf(idx.train().pixels(), 120 * 784), tr.pixels());
        assertEquals(64, tr.checksums().get("image-folder:train").length());
        assertEquals(tr.checksums(), s.test().checksums(), "both splits' checksums, recorded with the run");
        assertEquals(120, s.test().size());
        // the checksum changes with one byte of one file
        Path first;
        try (var files = Files.walk(out.resolve("train"))) {
            first = files.filter(f -> f.toString().endsWith(".png")).sorted().findFirst().orElseThrow();
        }
        BufferedImage img = ImageIO.read(first.toFile());
        img.getRaster().setSample(0, 0, 0, 255 - img.getRaster().getSample(0, 0, 0));
        ImageIO.write(img, "png", first.toFile());
        assertNotEquals(tr.checksums().get("image-folder:train"), ImageFolder.load(config(out.resolve("train"),
                out.resolve("test"), 28, 28, null)).train().checksums().get("image-folder:train"));
    }

    private static void png(Path file, int w, int h, int rgb) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void rgbImagesKeepTheirChannelOrderAndOtherSizesAreResized() throws IOException {
        Path train = tmp.resolve("rgb/train");
        png(train.resolve("red/a.png"), 8, 6, 0xff0000);
        png(train.resolve("blue/b.png"), 8, 6, 0x0000ff);
        png(train.resolve("blue/c.png"), 16, 12, 0x0000ff); // twice the size: resized to 8x6
        png(train.resolve("red/more/d.png"), 8, 6, 0xff0000); // a sub-folder of a class: still that class
        FashionMnist.Splits s = ImageFolder.load(config(train, train, 6, 8, 3));
        ImageDataset d = s.train();
        assertEquals(List.of("blue", "red"), d.classNames());
        assertEquals(3, d.channels());
        int hw = 48;
        // red/a.png first: R = 255, G = 0, B = 0 in every pixel, channel-major
        assertEquals(255, d.pixels()[5] & 0xff, "red/a.png, red channel");
        assertEquals(0, d.pixels()[hw + 5] & 0xff, "red/a.png, green channel");
        assertEquals(0, d.pixels()[2 * hw + 5] & 0xff, "red/a.png, blue channel");
        assertEquals(0, d.pixels()[3 * hw] & 0xff, "blue/b.png, red channel");
        assertEquals(255, d.pixels()[3 * hw + 2 * hw] & 0xff, "blue/b.png, blue channel");
        assertEquals(255, d.pixels()[2 * 3 * hw + 2 * hw + 7] & 0xff, "the resized blue/c.png");
        assertArrayEquals(new int[]{1, 0, 0, 1}, d.labels(), "a.png, b.png, c.png, d.png");
    }

    @Test
    void badFoldersAreOneLineErrorsNamingTheFile() throws IOException {
        Path train = tmp.resolve("bad/train");
        Path test = tmp.resolve("bad/test");
        png(train.resolve("a/1.png"), 4, 4, 0x808080);
        png(train.resolve("b/1.png"), 4, 4, 0x101010);
        png(test.resolve("a/1.png"), 4, 4, 0x808080);
        Files.createDirectories(test.resolve("c"));
        png(test.resolve("c/9.png"), 4, 4, 0x808080);
        DataException e = assertThrows(DataException.class, () -> ImageFolder.load(config(train, test, 4, 4, 1)));
        assertEquals("dataset.test: class folder " + test.resolve("c") + " is not a class of the training set (a, b)",
                e.getMessage());

        Files.delete(test.resolve("c/9.png"));
        Files.delete(test.resolve("c"));
        Files.createDirectories(train.resolve("empty"));
        e = assertThrows(DataException.class, () -> ImageFolder.load(config(train, test, 4, 4, 1)));
        assertTrue(e.getMessage().startsWith("dataset.train: class folder " + train.resolve("empty")
                + " holds no images"), e.getMessage());
        Files.delete(train.resolve("empty"));

        Path corrupt = Files.writeString(train.resolve("b/2.png"), "not a png");
        e = assertThrows(DataException.class, () -> ImageFolder.load(config(train, test, 4, 4, 1)));
        assertTrue(e.getMessage().startsWith("dataset.train: " + corrupt + " is not an image OpenCV can read"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        Files.delete(corrupt);

        ConfigException c = assertThrows(ConfigException.class, () -> ImageFolder.load(new DatasetConfig(
                "image-folder", null, 0.1, null, train.toString(), test.toString(), null, 4, 1)));
        assertEquals("dataset.height", c.path());
        e = assertThrows(DataException.class, () -> ImageFolder.load(config(tmp.resolve("nowhere"), test, 4, 4, 1)));
        assertEquals("dataset.train: " + tmp.resolve("nowhere") + " not found", e.getMessage());
        assertEquals(2, ImageFolder.load(config(train, test, 4, 4, 1)).train().size());
    }
}
