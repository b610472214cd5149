package org.distill4j.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One trial of a sweep as recorded in {@code state.json}: its overrides, where it ran, how it ended, and the metrics
 * read from its run directory. Mutable: only the sweep's coordinator changes it, under the state's lock.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public final class Trial {
    /** Unfinished trials are run again by {@code --resume}; failed and completed ones are kept. */
    public enum Status {
        @com.fasterxml.jackson.annotation.JsonProperty("pending") PENDING,
        @com.fasterxml.jackson.annotation.JsonProperty("submitted") SUBMITTED,
        @com.fasterxml.jackson.annotation.JsonProperty("running") RUNNING,
        @com.fasterxml.jackson.annotation.JsonProperty("completed") COMPLETED,
        @com.fasterxml.jackson.annotation.JsonProperty("failed") FAILED,
        @com.fasterxml.jackson.annotation.JsonProperty("cancelled") CANCELLED;

        public boolean finished() {
            return this == COMPLETED || this == FAILED;
        }
    }

    public String id;
    public int index;
    public int generation;
    /** Config key → value (numbers, strings, booleans, lists), in space order. */
    public Map<String, Object> params = new LinkedHashMap<>();
    /** The candidate as Arbiter's flat [0, 1] vector (genetic search needs it to be told results again on resume). */
    public double[] flat;
    public Status status = Status.PENDING;
    public String reason;
    /** The run directory, relative to the sweep directory. */
    public String runDir;
    public Double objective;
    public Double secondary;
    public Boolean feasible;
    /** Every number of the run's summary.json, by dotted path. */
    public Map<String, Double> metrics;
    public int attempts;
    public String slurmJob;
    public String started;
    public String ended;
    public Double wallS;

    public Trial() {
    }

    Trial(int index, int generation, Map<String, Object> params, double[] flat) {
        this.id = String.format("t%03d", index);
        this.index = index;
        this.generation = generation;
        this.params = new LinkedHashMap<>(params);
        this.flat = flat;
    }
}
