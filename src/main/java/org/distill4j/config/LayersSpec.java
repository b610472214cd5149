package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** {@code arch: layers} — a sequential network from a list of {@link LayerSpec}s; the output layer is added. */
@JsonPropertyOrder({"arch", "layers"})
public record LayersSpec(List<LayerSpec> layers) implements ArchSpec {
    public static final String ARCH = "layers";

    public LayersSpec {
        layers = Check.nonEmpty("layers", layers);
    }

    @Override
    public String arch() {
        return ARCH;
    }
}
