package org.distill4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.config.DatasetConfig;
import org.distill4j.registry.Registry;

/** The dataset registry: {@code dataset.name} → loader. */
public final class Datasets {
    /** Loads a dataset's train and test splits. */
    public interface Loader {
        FashionMnist.Splits load(DatasetConfig config, Path home);
    }

    /** Where the bundled sample lives, relative to the distill4j home (the checkout). */
    public static final String SAMPLE_DIR = "datasets/fashion-mnist-sample";

    private static final Registry<Loader> REGISTRY = new Registry<Loader>("dataset")
            .register("fashion-mnist", (c, home) -> FashionMnist.loadFull(c.path(), true))
            .register("fashion-mnist-sample", Datasets::sample);

    private Datasets() {
    }

    public static Registry<Loader> registry() {
        return REGISTRY;
    }

    /** Checks the name (a config error, exit 2) and loads (a data error, exit 2, on missing or corrupt files). */
    public static FashionMnist.Splits load(DatasetConfig config, Path home) {
        return REGISTRY.get(config.name(), "dataset.name").load(config, home);
    }

    static FashionMnist.Splits sample(DatasetConfig c, Path home) {
        Path dir = c.path() != null ? Path.of(c.path()) : home.resolve(SAMPLE_DIR);
        if (!Files.isDirectory(dir)) {
            throw new DataException("bundled sample not found at " + dir.toAbsolutePath()
                    + "; run from the distill4j checkout, set DISTILL4J_HOME, or set dataset.path");
        }
        FashionMnist.Splits s = FashionMnist.load(dir, "fashion-mnist-sample", false);
        SampleManifest.verify(dir, s.train().checksums());
        return s;
    }
}
