package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A network architecture named by {@code arch:} in a model section: the record an architecture type binds its keys to
 * (in {@code org.distill4j.model}, where it also builds its network).
 */
public interface ArchSpec {
    @JsonProperty("arch")
    String arch();
}
