package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** {@code arch: lenet5} — conv5x5(6, same) → pool → conv5x5(16) → pool → 120 → 84 → classes. */
@JsonPropertyOrder({"arch", "activation"})
public record LeNet5Spec(Activation activation) implements ArchSpec {
    public static final String ARCH = "lenet5";

    public LeNet5Spec {
        if (activation == null) {
            activation = Activation.RELU;
        }
    }

    @Override
    public String arch() {
        return ARCH;
    }
}
