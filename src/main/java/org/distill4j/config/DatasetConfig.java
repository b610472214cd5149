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
                            String test, Integer height, Integer width, Integer channels, String label,
                            java.util.List<String> classes, Double scale) {
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
        if (channels != null && channels < 1) {
            throw ConfigException.field("channels", "must be >= 1, got " + channels);
        }
        if (scale != null && !(scale > 0)) {
            throw ConfigException.field("scale", "must be > 0, got " + scale);
        }
        if (classes != null) {
            classes = java.util.List.copyOf(classes);
            if (classes.size() < 2 || new java.util.HashSet<>(classes).size() != classes.size()) {
                throw ConfigException.field("classes", "must name at least 2 distinct classes, got " + classes);
            }
        }
    }

    public DatasetConfig(String name, String path, double validation, AugmentConfig augment) {
        this(name, path, validation, augment, null, null, null, null, null, null, null, null);
    }

    public DatasetConfig(String name, String path, double validation, AugmentConfig augment, String train,
                         String test, Integer height, Integer width, Integer channels) {
        this(name, path, validation, augment, train, test, height, width, channels, null, null, null);
    }

    /** A config error at the first key of image folders and CSV files that is set, for kinds with their own files. */
    public void noFileKeys() {
        refuse("train", "test", "height", "width", "channels", "label", "classes", "scale");
    }

    /** A config error at the first of {@code keys} that is set: keys this dataset kind does not take. */
    public void refuse(String... keys) {
        for (String k : keys) {
            Object value = switch (k) {
                case "train" -> train;
                case "test" -> test;
                case "height" -> height;
                case "width" -> width;
                case "channels" -> channels;
                case "label" -> label;
                case "classes" -> classes;
                case "scale" -> scale;
                default -> throw new IllegalArgumentException(k);
            };
            if (value != null) {
                throw new ConfigException("dataset." + k, "not a key of " + name + " datasets");
            }
        }
    }
}
