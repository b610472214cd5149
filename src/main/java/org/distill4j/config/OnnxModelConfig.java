package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * The keys of a {@code teacher:} section that loads an ONNX model ({@code load: model.onnx}, or {@code format: onnx}):
 * the model runs in ONNX Runtime and only gives logits. Every key is optional.
 *
 * @param input   the input to feed (default: the model's only input)
 * @param output  the output holding the logits (default: the model's only output)
 * @param layout  how a 4-dimensional input holds an image: {@code nchw} (PyTorch, the default) or {@code nhwc}
 *                (TensorFlow, Keras)
 * @param mean    per-channel mean subtracted from the teacher's input (pixels in [0, 1]); one value for all channels
 * @param std     per-channel standard deviation the teacher's input is divided by, after the mean
 * @param threads ONNX Runtime intra-op threads (default: the processors this JVM may use)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OnnxModelConfig(String input, String output, Layout layout, List<Double> mean, List<Double> std,
                              Integer threads) {
    /** The order of an image input's dimensions after the batch. */
    public enum Layout { NCHW, NHWC;

        @JsonValue
        public String yaml() {
            return Obj.yamlName(this);
        }
    }

    /** The YAML keys of this record (allowed in a model section only when the model is ONNX). */
    public static final List<String> KEYS = List.of("input", "output", "layout", "mean", "std", "threads");

    public OnnxModelConfig {
        mean = mean == null ? null : List.copyOf(mean);
        std = std == null ? null : List.copyOf(std);
        if (mean != null && mean.isEmpty()) {
            throw ConfigException.field("mean", "must hold one value per channel (or one for all), got an empty list");
        }
        if (std != null) {
            if (std.isEmpty()) {
                throw ConfigException.field("std", "must hold one value per channel (or one for all), got an empty "
                        + "list");
            }
            for (int i = 0; i < std.size(); i++) {
                if (!(std.get(i) > 0)) {
                    throw ConfigException.field("std[" + i + "]", "must be > 0, got " + std.get(i));
                }
            }
        }
        if (mean != null && std != null && mean.size() != std.size() && mean.size() != 1 && std.size() != 1) {
            throw ConfigException.field("std", "has " + std.size() + " values and mean " + mean.size()
                    + "; give one per channel for both (or one value)");
        }
        if (threads != null && threads < 1) {
            throw ConfigException.field("threads", "must be >= 1, got " + threads);
        }
    }

    /** The layout a 4-dimensional input is read in. */
    public Layout layoutOrDefault() {
        return layout == null ? Layout.NCHW : layout;
    }

    /**
     * The per-channel {@code values} (mean or std) for an image with {@code channels} channels, or {@code fill} for
     * each when not given; a config error at {@code key} when their number fits neither one nor every channel.
     */
    public static float[] perChannel(List<Double> values, int channels, float fill, String key) {
        if (values != null && values.size() != 1 && values.size() != channels) {
            throw new ConfigException(key, "has " + values.size() + " values; the dataset's images have " + channels
                    + " channel" + (channels == 1 ? "" : "s") + " (give one value per channel, or one for all)");
        }
        float[] out = new float[channels];
        for (int c = 0; c < channels; c++) {
            out[c] = values == null ? fill : values.get(values.size() == 1 ? 0 : c).floatValue();
        }
        return out;
    }
}
