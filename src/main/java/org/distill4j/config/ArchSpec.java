package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A network architecture named by {@code arch:} in a model section. */
public sealed interface ArchSpec permits MlpSpec, LeNet5Spec, ResNetSpec, LayersSpec {
    @JsonProperty("arch")
    String arch();
}
