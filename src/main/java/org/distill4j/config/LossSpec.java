package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A distillation loss as configured ({@code loss: {type: kd, temperature: 4, alpha: 0.9}}): the record a loss type
 * binds its keys to, in the loss's own file. What it computes is the loss package's business.
 */
public interface LossSpec {
    /** The loss type that sums several ({@code losses: [...]} at stage level is written as this type). */
    String COMBINED = "combined";

    /** The loss type's YAML name. */
    @JsonProperty("type")
    String type();

    /**
     * How the default loss is written: its keys without {@code type}, inline in the stage's section (as every config
     * wrote {@code temperature} and {@code alpha} before losses were pluggable, so that resolved configs and
     * {@code --set stages.distill.temperature=8} keep their form). Null (the default) writes {@code loss: {type: ...}}.
     */
    @JsonIgnore
    default Object inline() {
        return null;
    }

    /**
     * Whether it matches intermediate activations (hint, attention transfer) and so trains a branch beside the
     * student, which only a distill stage does.
     */
    @JsonIgnore
    default boolean featureBased() {
        return false;
    }
}
