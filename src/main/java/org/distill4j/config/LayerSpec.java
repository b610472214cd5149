package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One entry of {@code arch: layers}. Keys by type: {@code dense} (units, activation), {@code conv} (filters,
 * kernel, stride, padding same|valid, activation), {@code pool} (pool max|avg, kernel, stride),
 * {@code global-pool} (pool), {@code batchnorm}, {@code dropout} (rate). The output layer is added for you.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type"})
public record LayerSpec(Type type, Integer units, Integer filters, Integer kernel, Integer stride, Padding padding,
                        Activation activation, PoolKind pool, Double rate) {
    public enum Type { DENSE, CONV, POOL, GLOBAL_POOL, BATCHNORM, DROPOUT;

        @com.fasterxml.jackson.annotation.JsonValue
        public String yaml() {
            return Obj.yamlName(this);
        }
    }

    public enum Padding { SAME, VALID;

        @com.fasterxml.jackson.annotation.JsonValue
        public String yaml() {
            return Obj.yamlName(this);
        }
    }

    public enum PoolKind { MAX, AVG;

        @com.fasterxml.jackson.annotation.JsonValue
        public String yaml() {
            return Obj.yamlName(this);
        }
    }

    public LayerSpec {
        if (type == null) {
            throw ConfigException.field("type", "missing; allowed: dense, conv, pool, global-pool, batchnorm, dropout");
        }
        switch (type) {
            case DENSE -> {
                need("units", units);
                Check.between("units", units, 1, 1 << 16);
                activation = activation == null ? Activation.RELU : activation;
                forbid(type, filters, "filters", kernel, "kernel", stride, "stride", padding, "padding", pool, "pool",
                        rate, "rate");
            }
            case CONV -> {
                need("filters", filters);
                Check.between("filters", filters, 1, 1 << 14);
                kernel = kernel == null ? 3 : Check.between("kernel", kernel, 1, 15);
                stride = stride == null ? 1 : Check.between("stride", stride, 1, 8);
                padding = padding == null ? Padding.SAME : padding;
                activation = activation == null ? Activation.RELU : activation;
                forbid(type, units, "units", pool, "pool", rate, "rate");
            }
            case POOL -> {
                pool = pool == null ? PoolKind.MAX : pool;
                kernel = kernel == null ? 2 : Check.between("kernel", kernel, 1, 15);
                stride = stride == null ? kernel : Check.between("stride", stride, 1, 15);
                forbid(type, units, "units", filters, "filters", padding, "padding", activation, "activation",
                        rate, "rate");
            }
            case GLOBAL_POOL -> {
                pool = pool == null ? PoolKind.AVG : pool;
                forbid(type, units, "units", filters, "filters", kernel, "kernel", stride, "stride", padding, "padding",
                        activation, "activation", rate, "rate");
            }
            case BATCHNORM -> forbid(type, units, "units", filters, "filters", kernel, "kernel", stride, "stride",
                    padding, "padding", activation, "activation", pool, "pool", rate, "rate");
            case DROPOUT -> {
                need("rate", rate);
                Check.inRangeExclusive("rate", rate, 0.0, 1.0);
                forbid(type, units, "units", filters, "filters", kernel, "kernel", stride, "stride", padding, "padding",
                        activation, "activation", pool, "pool");
            }
            default -> throw new IllegalStateException(type.toString());
        }
    }

    private static void need(String key, Object v) {
        if (v == null) {
            throw ConfigException.field(key, "missing (required for this layer type)");
        }
    }

    private static void forbid(Type type, Object... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] != null) {
                throw ConfigException.field((String) pairs[i + 1], "not allowed for a " + type.yaml() + " layer");
            }
        }
    }
}
