package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Which data to use. {@code name} is a registered dataset kind ({@code fashion-mnist}, {@code fashion-mnist-sample},
 * {@code image-folder}); {@code path} an explicit directory with its files (searched first); {@code validation} the
 * fraction of the training set held out, chosen with the run's seed. An image folder names its {@code train} and
 * {@code test} folders (one sub-folder per class) and the {@code height}, {@code width} and {@code channels} (1:
 * grayscale, 3: RGB) its images are read at.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetConfig(String name, String path, double validation, AugmentConfig augment, String train,
                            String test, Integer height, Integer width, Integer channels) {
    public DatasetConfig {
        if (name == null || name.isBlank()) {
            throw ConfigException.field("name", "missing; e.g. fashion-mnist or fashion-mnist-sample");
        }
        Check.inRangeExclusive("validation", validation, 0.0, 0.5);
        if (augment == null) {
            augment = new AugmentConfig(false, 0);
        }
        if (height != null) {
            Check.between("height", height, 1, 4096);
        }
        if (width != null) {
            Check.between("width", width, 1, 4096);
        }
        if (channels != null && channels != 1 && channels != 3) {
            throw ConfigException.field("channels", "must be 1 (grayscale) or 3 (RGB), got " + channels);
        }
    }

    public DatasetConfig(String name, String path, double validation, AugmentConfig augment) {
        this(name, path, validation, augment, null, null, null, null, null);
    }

    /**
     * A config error at the first image-folder key this dataset kind does not take ({@code dataset.train}, ...);
     * for kinds that read files of their own.
     */
    public void noImageFolderKeys() {
        String[] keys = {"train", "test", "height", "width", "channels"};
        Object[] values = {train, test, height, width, channels};
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != null) {
                throw new ConfigException("dataset." + keys[i], "only for name: image-folder; " + name
                        + " has its own files");
            }
        }
    }
}
