package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A setting per weight-layer kind ({@code conv}, {@code dense}, {@code output}); an absent kind takes the stage's
 * single value (e.g. {@code sparsity_by_kind: {conv: 0.6}} next to {@code sparsity: 0.9}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PerKind<T extends Number>(T conv, T dense, T output) {
    public static <T extends Number> PerKind<T> none() {
        return new PerKind<>(null, null, null);
    }

    /** The value for a kind ({@code conv}, {@code dense} or {@code output}), or {@code fallback}. */
    public T get(String kind, T fallback) {
        T v = switch (kind) {
            case "conv" -> conv;
            case "dense" -> dense;
            case "output" -> output;
            default -> throw new IllegalArgumentException("unknown layer kind " + kind);
        };
        return v == null ? fallback : v;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return conv == null && dense == null && output == null;
    }
}
