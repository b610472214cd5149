package org.distill4j.model;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.distill4j.config.Check;
import org.distill4j.config.Obj;
import org.distill4j.config.ConfigBinder;
import org.distill4j.config.LayerSpec;

/** {@code arch: layers} — a sequential network from a list of {@link LayerSpec}s; the output layer is added. */
@JsonPropertyOrder({"arch", "layers"})
public record LayersSpec(List<LayerSpec> layers) implements Architecture {
    public static final String ARCH = "layers";
    /** The registration of this architecture in {@code Plugins}: its name and its binder. */
    public static final ArchType TYPE = new ArchType(ARCH, LayersSpec::bind);

    public LayersSpec {
        layers = Check.nonEmpty("layers", layers);
    }

    @Override
    public String arch() {
        return ARCH;
    }

    /** Binds an {@code arch: layers} section. */
    public static LayersSpec bind(Obj o) {
        return o.build(() -> new LayersSpec(o.objList("layers", ConfigBinder::layer)));
    }

    @Override
    public Net build(Architectures.InputShape input, int numClasses, long seed) {
        return Architectures.layers(this, input, numClasses, seed);
    }
}
