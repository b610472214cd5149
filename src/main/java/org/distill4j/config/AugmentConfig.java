package org.distill4j.config;

/**
 * Training-time augmentation. {@code flip}: random horizontal flip; {@code shift}: random translation by up
 * to this many pixels (zero padded). With neither, the input pipeline is deterministic and teacher logits
 * can be cached.
 */
public record AugmentConfig(boolean flip, int shift) {
    public AugmentConfig {
        Check.between("shift", shift, 0, 8);
    }

    public boolean deterministic() {
        return !flip && shift == 0;
    }
}
