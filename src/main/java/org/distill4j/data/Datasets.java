package org.distill4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.config.DatasetConfig;

/**
 * The built-in dataset kinds ({@code dataset.name}), registered in {@code Plugins} one line each: the full
 * Fashion-MNIST and the bundled sample.
 */
public final class Datasets {
    /** Loads a dataset's train and test splits. */
    public interface Loader {
        FashionMnist.Splits load(DatasetConfig config, Path home);
    }

    /** A dataset kind: its {@code dataset.name} and its loader. */
    public record Type(String name, Loader loader) {
    }

    public static final Type FASHION_MNIST = new Type("fashion-mnist", (c, home) -> {
        c.noFileKeys();
        return FashionMnist.loadFull(c.path(), true);
    });
    public static final Type FASHION_MNIST_SAMPLE = new Type("fashion-mnist-sample", (c, home) -> {
        c.noFileKeys();
        return sample(c, home);
    });
    /** Folders of images, one sub-folder per class ({@link ImageFolder}). */
    public static final Type IMAGE_FOLDER = new Type("image-folder", (c, home) -> ImageFolder.load(c));
    /** CSV files with a label column ({@link CsvDataset}). */
    public static final Type CSV = new Type("csv", (c, home) -> CsvDataset.load(c));

    /** Where the bundled sample lives, relative to the distill4j home (the checkout). */
    public static final String SAMPLE_DIR = "datasets/fashion-mnist-sample";

    private Datasets() {
    }

    static FashionMnist.Splits sample(DatasetConfig c, Path home) {
        if (c.path() != null) {
            FashionMnist.checkDirectory(Path.of(c.path()));
        }
        Path dir = c.path() != null ? Path.of(c.path()) : home.resolve(SAMPLE_DIR);
        if (!Files.isDirectory(dir)) {
            throw new DataException("bundled sample not found at " + dir.toAbsolutePath()
                    + "; run from the distill4j checkout, set DISTILL4J_HOME, or set dataset.path");
        }
        FashionMnist.Splits s = FashionMnist.load(dir, "fashion-mnist-sample", false);
        SampleManifest.verify(dir, s.train().checksums());  // the checksums compiled in, wherever the files are
        return s;
    }
}
