package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A {@code teacher:} or {@code student:} section: an architecture to build ({@code arch:} and its keys), or
 * {@code load:} a saved model to use as it is: a DL4J model zip, or (a teacher only) an ONNX model that ONNX Runtime
 * runs, with its {@link OnnxModelConfig} keys.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelConfig(@JsonUnwrapped ArchSpec arch, String load, @JsonUnwrapped OnnxModelConfig onnx) {
    public ModelConfig {
        if (arch == null && load == null) {
            throw ConfigException.field("arch", "missing; give an architecture (arch: mlp | lenet5 | resnet | layers) "
                    + "or load: <model.zip | model.onnx>");
        }
        if (arch != null && load != null) {
            throw ConfigException.field("load", "give either arch or load, not both");
        }
        if (onnx != null && load == null) {
            throw ConfigException.field("format", "onnx needs load: <model.onnx>");
        }
    }

    public ModelConfig(ArchSpec arch, String load) {
        this(arch, load, null);
    }

    /**
     * {@code format} in resolved configs where the file name does not say it: {@code onnx} (always written), or
     * {@code dl4j} for a zip named {@code .onnx}; so that a resolved config reads back as the same model.
     */
    @JsonProperty("format")
    public String format() {
        return onnx != null ? "onnx" : load != null && onnxName(load) ? "dl4j" : null;
    }

    /** Whether this section loads an ONNX model (which ONNX Runtime runs; it is never trained). */
    @JsonIgnore
    public boolean isOnnx() {
        return onnx != null;
    }

    /** Whether {@code file} names an ONNX model ({@code .onnx}), the format a {@code load:} has when none is given. */
    public static boolean onnxName(String file) {
        return file.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx");
    }
}
