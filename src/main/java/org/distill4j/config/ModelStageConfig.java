package org.distill4j.config;

import java.util.List;

/**
 * A stage that transforms one model, named by its {@code model} key, and hands the result on in the same slot
 * (prune, quantize, lowrank): it reads and writes that slot.
 */
public interface ModelStageConfig extends StageConfig {
    /** The slot this stage works on. */
    ModelSlot model();

    @Override
    default List<SlotUse> reads() {
        return List.of(new SlotUse(model(), "model"));
    }

    @Override
    default List<SlotUse> writes() {
        return reads();
    }
}
