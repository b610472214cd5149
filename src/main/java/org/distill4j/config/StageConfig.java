package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Set;

/**
 * One entry of {@code stages:}: the record a stage type binds its section to (in the stage's own package). It
 * declares the model slots it reads and hands on; {@link RunConfig} checks the stage order from these alone.
 */
public interface StageConfig {
    /** The stage type's YAML name ({@code type:}). */
    @JsonProperty("type")
    String type();

    /** Unique name of this stage within the run (used for metrics and saved models). */
    String name();

    /** The slots that must hold a model (trained or loaded by an earlier stage) before this stage runs. */
    @JsonIgnore
    default List<SlotUse> reads() {
        return List.of();
    }

    /** The slots this stage hands a model on in (their config section must exist). */
    @JsonIgnore
    default List<SlotUse> writes() {
        return List.of();
    }

    /**
     * Whether this stage only runs the model it reads in {@code slot} (inference: evaluation), so that a model
     * another runtime runs (an ONNX teacher) serves it; stages that read a network's layers or weights say no.
     */
    default boolean onlyRuns(ModelSlot slot) {
        return false;
    }

    /** The batches this stage passes through models, for the run's memory check before anything trains. */
    @JsonIgnore
    default List<BatchUse> batches() {
        return List.of();
    }

    /**
     * Checks this stage against the rest of the run, once the models ready before it are known, and returns it with
     * defaults that depend on them filled in (evaluate's model list). Errors are relative to the stage ({@code
     * ConfigException.field}).
     *
     * @param ready the slots holding a model before this stage
     */
    default StageConfig resolve(DatasetConfig dataset, Set<ModelSlot> ready) {
        return this;
    }
}
