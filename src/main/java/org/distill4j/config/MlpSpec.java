package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** {@code arch: mlp} — fully connected layers of the given widths; dropout after each hidden activation. */
@JsonPropertyOrder({"arch", "hidden", "activation", "dropout"})
public record MlpSpec(List<Integer> hidden, Activation activation, double dropout) implements ArchSpec {
    public static final String ARCH = "mlp";

    public MlpSpec {
        hidden = Check.nonEmpty("hidden", hidden);
        for (int i = 0; i < hidden.size(); i++) {
            Check.between("hidden[" + i + "]", hidden.get(i), 1, 1 << 16);
        }
        if (activation == null) {
            activation = Activation.RELU;
        }
        Check.inRangeExclusive("dropout", dropout, 0.0, 1.0);
    }

    @Override
    public String arch() {
        return ARCH;
    }
}
