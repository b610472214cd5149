package org.distill4j.spi;

import java.util.Map;
import org.distill4j.model.Net;

/**
 * What a compression stage adds to the shared training loop: work before and after each optimizer step
 * (recomputing pruning masks, updating float shadow weights), extra fields for each epoch's metrics line, and a
 * last word before the trained network is handed on. {@code step} counts optimizer steps from 0 within the stage.
 */
public interface StepHook {
    StepHook NONE = new StepHook() {
    };

    /** Called once with the network about to be trained (after its optimizer is set up). */
    default void start(Net net) {
    }

    default void beforeStep(Net net, long step) {
    }

    default void afterStep(Net net, long step) {
    }

    /** Writes what the hook needs to continue (masks, shadow weights) into a checkpoint directory. */
    default void save(Net net, java.nio.file.Path dir) throws java.io.IOException {
    }

    /** Restores what {@link #save} wrote; called after {@link #start} with the network restored from the checkpoint. */
    default void restore(Net net, java.nio.file.Path dir) throws java.io.IOException {
    }

    /** Adds this stage's fields to one epoch's line of {@code metrics.jsonl} (before the epoch's evaluation). */
    default void epochMetrics(Net net, Map<String, Object> metrics) {
    }
}
