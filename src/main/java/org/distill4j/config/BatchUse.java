package org.distill4j.config;

/**
 * A batch a stage passes through the model in a slot: {@code batch} rows at once, training (activations, their
 * gradients and the updater's work space are kept) or inference only. The run checks, before anything trains, that
 * each fits the memory the JVM may use; {@code key} is the stage's key to change ({@code batch_size}).
 */
public record BatchUse(ModelSlot slot, int batch, boolean training, String key) {
    public BatchUse {
        if (slot == null || batch < 1 || key == null) {
            throw new IllegalArgumentException("slot " + slot + ", batch " + batch + ", key " + key);
        }
    }

    public static BatchUse training(ModelSlot slot, int batch) {
        return new BatchUse(slot, batch, true, "batch_size");
    }

    public static BatchUse inference(ModelSlot slot, int batch) {
        return new BatchUse(slot, batch, false, "batch_size");
    }
}
