package org.distill4j.math;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Cosine learning-rate decay by iteration (Loshchilov &amp; Hutter 2017, without restarts):
 * {@code lr(i) = min + (initial − min) · (1 + cos(π · min(i, total) / total)) / 2}.
 * Stored in DL4J model JSON by class name: do not move or rename.
 */
public final class CosineSchedule implements ISchedule {
    private final double initialValue;
    private final double minValue;
    private final int totalIterations;

    @JsonCreator
    public CosineSchedule(@JsonProperty("initialValue") double initialValue, @JsonProperty("minValue") double minValue,
                          @JsonProperty("totalIterations") int totalIterations) {
        if (totalIterations < 1) {
            throw new IllegalArgumentException("totalIterations must be >= 1, got " + totalIterations);
        }
        this.initialValue = initialValue;
        this.minValue = minValue;
        this.totalIterations = totalIterations;
    }

    /** The pure formula. */
    public static double value(double initial, double min, int iteration, int total) {
        double progress = Math.min(iteration, total) / (double) total;
        return min + (initial - min) * 0.5 * (1.0 + Math.cos(Math.PI * progress));
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return value(initialValue, minValue, iteration, totalIterations);
    }

    @Override
    public ISchedule clone() {
        return new CosineSchedule(initialValue, minValue, totalIterations);
    }

    @JsonProperty("initialValue")
    public double getInitialValue() {
        return initialValue;
    }

    @JsonProperty("minValue")
    public double getMinValue() {
        return minValue;
    }

    @JsonProperty("totalIterations")
    public int getTotalIterations() {
        return totalIterations;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CosineSchedule c && c.initialValue == initialValue && c.minValue == minValue
                && c.totalIterations == totalIterations;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(initialValue, minValue, totalIterations);
    }
}
