package org.distill4j.model;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.distill4j.config.Check;
import org.distill4j.config.Obj;
import org.distill4j.config.Activation;

/** {@code arch: mlp} — fully connected layers of the given widths; dropout after each hidden activation. */
@JsonPropertyOrder({"arch", "hidden", "activation", "dropout"})
public record MlpSpec(List<Integer> hidden, Activation activation, double dropout) implements Architecture {
    public static final String ARCH = "mlp";
    /** The registration of this architecture in {@code Plugins}: its name and its binder. */
    public static final ArchType TYPE = new ArchType(ARCH, MlpSpec::bind);

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

    /** Binds an {@code arch: mlp} section. */
    public static MlpSpec bind(Obj o) {
        return o.build(() -> new MlpSpec(o.intList("hidden", null), o.enumValue("activation", Activation.class, null),
                o.number("dropout", 0.0)));
    }

    @Override
    public Net build(Architectures.InputShape input, int numClasses, long seed) {
        return Architectures.mlp(this, input, numClasses, seed);
    }
}
