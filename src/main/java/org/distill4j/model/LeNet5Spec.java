package org.distill4j.model;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.distill4j.config.Obj;
import org.distill4j.config.Activation;

/** {@code arch: lenet5} — conv5x5(6, same) → pool → conv5x5(16) → pool → 120 → 84 → classes. */
@JsonPropertyOrder({"arch", "activation"})
public record LeNet5Spec(Activation activation) implements Architecture {
    public static final String ARCH = "lenet5";
    /** The registration of this architecture in {@code Plugins}: its name and its binder. */
    public static final ArchType TYPE = new ArchType(ARCH, LeNet5Spec::bind);

    public LeNet5Spec {
        if (activation == null) {
            activation = Activation.RELU;
        }
    }

    @Override
    public String arch() {
        return ARCH;
    }

    /** Binds an {@code arch: lenet5} section. */
    public static LeNet5Spec bind(Obj o) {
        return o.build(() -> new LeNet5Spec(o.enumValue("activation", Activation.class, null)));
    }

    @Override
    public Net build(Architectures.InputShape input, int numClasses, long seed) {
        return Architectures.lenet5(this, input, numClasses, seed);
    }
}
