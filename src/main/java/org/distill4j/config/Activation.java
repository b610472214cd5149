package org.distill4j.config;

/** Activation functions a YAML file may name (lower-case: {@code relu}, {@code leakyrelu}, ...). */
public enum Activation { RELU, LEAKYRELU, TANH, SIGMOID, ELU, GELU, SWISH, IDENTITY;

    @com.fasterxml.jackson.annotation.JsonValue
    public String yaml() {
        return Obj.yamlName(this);
    }
}
