package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Which data to use. {@code name} is a registered dataset ({@code fashion-mnist}, {@code fashion-mnist-sample});
 * {@code path} an explicit directory with its files (searched first); {@code validation} the fraction of the
 * training set held out, chosen with the run's seed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetConfig(String name, String path, double validation, AugmentConfig augment) {
    public DatasetConfig {
        if (name == null || name.isBlank()) {
            throw ConfigException.field("name", "missing; e.g. fashion-mnist or fashion-mnist-sample");
        }
        Check.inRangeExclusive("validation", validation, 0.0, 0.5);
        if (augment == null) {
            augment = new AugmentConfig(false, 0);
        }
    }
}
