package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Training-time augmentation. {@code flip}: random horizontal flip; {@code shift}: random translation by up
 * to this many pixels (zero padded); {@code mixup} and {@code cutmix}: the Beta(a, a) concentration of mixup
 * (Zhang et al. 2018) and CutMix (Yun et al. 2019), 0 for off; with both on, each batch uses one of them, chosen
 * with equal odds. Mixing applies to the batch the student and a per-batch teacher both see, and to its labels.
 * Written back only when on, so older resolved configs read and hash the same. With none of these, the input
 * pipeline is deterministic and teacher logits can be cached.
 */
public record AugmentConfig(boolean flip, int shift,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) double mixup,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) double cutmix) {
    public AugmentConfig {
        Check.between("shift", shift, 0, 8);
        Check.inRange("mixup", mixup, 0, 10);
        Check.inRange("cutmix", cutmix, 0, 10);
    }

    public AugmentConfig(boolean flip, int shift) {
        this(flip, shift, 0, 0);
    }

    /** No augmentation at all. */
    public static AugmentConfig none() {
        return new AugmentConfig(false, 0, 0, 0);
    }

    public boolean deterministic() {
        return !flip && shift == 0 && !mixes();
    }

    /** Whether batches are mixed (mixup or CutMix), which makes their labels soft. */
    public boolean mixes() {
        return mixup > 0 || cutmix > 0;
    }

    /** Whether single images are flipped or shifted. */
    public boolean perImage() {
        return flip || shift > 0;
    }
}
