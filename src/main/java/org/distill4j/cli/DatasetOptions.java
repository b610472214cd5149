package org.distill4j.cli;

import org.distill4j.config.AugmentConfig;
import org.distill4j.config.DatasetConfig;
import picocli.CommandLine.Option;

/** {@code --dataset} and {@code --data-path} of the commands that read a built-in dataset outside a config. */
final class DatasetOptions {
    @Option(names = {"-d", "--dataset"}, defaultValue = "fashion-mnist",
            description = "Dataset name: fashion-mnist or fashion-mnist-sample (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data-path", paramLabel = "DIR",
            description = "Directory holding the dataset's files (searched first).")
    String dataPath;

    /** The dataset section these options stand for: no validation split, no augmentation. */
    DatasetConfig config() {
        return new DatasetConfig(dataset, dataPath, 0.0, new AugmentConfig(false, 0));
    }
}
