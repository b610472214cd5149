package org.distill4j.loss;

/**
 * A loss whose weights follow the epoch (a warm-up). The training loop tells it each epoch before the epoch's first
 * step, from the epoch number alone, so a resumed stage weighs its steps exactly as an uninterrupted one.
 */
public interface EpochScheduled {
    /** Epoch {@code epoch} (1-based) of the stage is about to start. */
    void startEpoch(int epoch);
}
