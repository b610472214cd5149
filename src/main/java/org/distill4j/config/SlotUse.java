package org.distill4j.config;

/**
 * A model slot a stage reads or hands on, with the key of the stage's section that names it ({@code model},
 * {@code models[1]}), or null when the stage type implies it (distill reads the teacher). The run's order check
 * ({@link RunConfig}) and the model building read these declarations; error messages point at {@code key}.
 */
public record SlotUse(ModelSlot slot, String key) {
    public SlotUse {
        if (slot == null) {
            throw new IllegalArgumentException("slot is null");
        }
    }

    public static SlotUse implied(ModelSlot slot) {
        return new SlotUse(slot, null);
    }
}
