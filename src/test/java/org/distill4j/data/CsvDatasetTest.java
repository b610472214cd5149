package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distill4j.config.AugmentConfig;
import org.distill4j.config.ConfigException;
import org.distill4j.config.DatasetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CSV datasets through DataVec: the bundled sample written as CSV reads back as the batches the IDX files give; a
 * small hand-written table; bad rows are one-line errors naming the file and line.
 */
class CsvDatasetTest {
    @TempDir
    Path tmp;

    private static DatasetConfig csv(Path train, Path test, String label, List<String> classes, Double scale,
                                     Integer h, Integer w) {
        return new DatasetConfig("csv", null, 0.1, new AugmentConfig(false, 0), train.toString(), test.toString(), h, w,
                null, label, classes, scale);
    }

    @Test
    void theSampleAsCsvGivesTheIdxBatches() throws IOException {
        FashionMnist.Splits idx = FashionMnist.load(Path.of(Datasets.SAMPLE_DIR), "fashion-mnist-sample", false);
        Path out = tmp.resolve("csv");
        DatasetExport.write(idx.train(), idx.test(), DatasetExport.Format.CSV, out, 50);
        List<String> classes = idx.train().classNames();
        FashionMnist.Splits s = CsvDataset.load(csv(out.resolve("train.csv"), out.resolve("test.csv"), null, classes,
                255.0, 28, 28));
        assertEquals(50, s.train().size());
        assertEquals(784, s.train().pixelsPerImage());
        assertArrayEquals(java.util.Arrays.copyOf(idx.train().labels(), 50), s.train().labels());
        Batches a = new Batches(idx.train().subset(java.util.stream.IntStream.range(0, 50).toArray(), "x"), null);
        Batches b = new Batches(s.train(), null);
        assertArrayEquals(a.features(a.inOrder(), 0, 50, null).data().asFloat(),
                b.features(b.inOrder(), 0, 50, null).data().asFloat(), "x / 255 as the IDX path computes it");
        assertEquals(2, s.train().checksums().size());
    }

    @Test
    void aHandWrittenTableWithItsLabelInTheMiddle() throws IOException {
        Path train = Files.writeString(tmp.resolve("t.csv"), "a,kind,b\n1.5,cat,2\n-3,dog,4e1\n0,cat,0\n");
        FashionMnist.Splits s = CsvDataset.load(csv(train, train, "kind", null, null, null, null));
        ImageDataset d = s.train();
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertArrayEquals(new int[]{0, 1, 0}, d.labels());
        assertArrayEquals(new float[]{1.5f, 2f, -3f, 40f, 0f, 0f}, d.values());
        assertEquals(2, d.pixelsPerImage());
        assertEquals(1, d.channels());
        assertEquals(1, d.height());
    }

    @Test
    void integerLabelsAreOrderedAsNumbers() {
        assertEquals(List.of("0", "1", "2", "9", "10"), CsvDataset.defaultClasses(List.of("10", "2", "0", "9", "1")));
        assertEquals(List.of("10", "2", "b"), CsvDataset.defaultClasses(List.of("b", "2", "10")));
    }

    @Test
    void badRowsAreOneLineErrorsNamingFileAndLine() throws IOException {
        Path good = Files.writeString(tmp.resolve("good.csv"), "label,x,y\na,1,2\nb,3,4\n");
        Path wide = Files.writeString(tmp.resolve("wide.csv"), "label,x,y\na,1,2\nb,3,4,5\n");
        DataException e = assertThrows(DataException.class,
                () -> CsvDataset.load(csv(wide, good, null, null, null, null, null)));
        assertEquals("dataset.train: " + wide + " line 3 has 4 columns; the header has 3", e.getMessage());

        Path unknown = Files.writeString(tmp.resolve("unknown.csv"), "label,x,y\na,1,2\nc,3,4\n");
        e = assertThrows(DataException.class, () -> CsvDataset.load(csv(good, unknown, null, null, null, null, null)));
        assertEquals("dataset.test: " + unknown + " line 3: label 'c' is not one of the classes (a, b)",
                e.getMessage());

        Path text = Files.writeString(tmp.resolve("text.csv"), "label,x,y\na,1,two\nb,3,4\n");
        e = assertThrows(DataException.class, () -> CsvDataset.load(csv(text, good, null, null, null, null, null)));
        assertEquals("dataset.train: " + text + " line 2, column 'y': 'two' is not a number", e.getMessage());

        e = assertThrows(DataException.class, () -> CsvDataset.load(csv(good, good, "class", null, null, null,
                null)));
        assertEquals("dataset.train: " + good + " has no column 'class' (set dataset.label); its columns: label, x, y",
                e.getMessage());

        ConfigException c = assertThrows(ConfigException.class, () -> CsvDataset.load(csv(good, good, null, null,
                null, 3, null)));
        assertEquals("dataset.height", c.path());
        c = assertThrows(ConfigException.class, () -> CsvDataset.load(new DatasetConfig("csv", null, 0.1,
                new AugmentConfig(true, 0), good.toString(), good.toString(), null, null, null, null, null, null)));
        assertEquals("dataset.augment", c.path());
    }
}
