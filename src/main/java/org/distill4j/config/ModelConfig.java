package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A {@code teacher:} or {@code student:} section: an architecture to build ({@code arch:} and its keys), or
 * {@code load:} a saved DL4J model zip to use as it is.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelConfig(@JsonUnwrapped ArchSpec arch, String load) {
    public ModelConfig {
        if (arch == null && load == null) {
            throw ConfigException.field("arch", "missing; give an architecture (arch: mlp | lenet5 | resnet | layers) "
                    + "or load: <model.zip>");
        }
        if (arch != null && load != null) {
            throw ConfigException.field("load", "give either arch or load, not both");
        }
    }
}
