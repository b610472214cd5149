package org.distill4j.stage.export;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.Obj;
import org.distill4j.config.SlotUse;
import org.distill4j.config.StageConfig;

/**
 * {@code type: export} — writes the model in each {@code format}:
 * <ul>
 * <li>{@code d4jc} (the default): the compact model file {@code <name>.d4jc}, pruned weights stored sparse with
 * relative indices, quantized weights bit-packed at their width with their scales, both optionally Huffman-coded
 * ({@code huffman}), plus the architecture; read back, it must reproduce the in-memory model's logits exactly.</li>
 * <li>{@code onnx}: {@code <name>.onnx}, a standard ONNX model (QDQ int8 for a quantized model) that ONNX Runtime
 * runs; run by ONNX Runtime on the test split, it must give the model's logits (float: to 1e-4 of their scale;
 * quantized: 99.5% the same predictions, accuracy within 0.3 points).</li>
 * </ul>
 * The stage reports bytes, ratio, sparsity and bits per layer, and each file's check.
 */
@JsonPropertyOrder({"type", "name", "model", "format", "huffman"})
public record ExportStageConfig(String name, ModelSlot model,
                                 @com.fasterxml.jackson.annotation.JsonIgnore List<Format> format, boolean huffman)
        implements StageConfig {
    public static final String TYPE = "export";

    /** A file format the stage writes. */
    public enum Format { D4JC, ONNX;

        @com.fasterxml.jackson.annotation.JsonValue
        public String yaml() {
            return Obj.yamlName(this);
        }
    }

    public ExportStageConfig {
        model = model == null ? ModelSlot.STUDENT : model;
        format = format == null || format.isEmpty() ? List.of(Format.D4JC) : List.copyOf(format);
        if (format.stream().distinct().count() != format.size()) {
            throw ConfigException.field("format", "names a format twice: " + format);
        }
        if (name == null) {
            name = TYPE;
        }
    }

    /** The formats as configs write them: left out when only d4jc, so earlier resolved configs read and hash alike. */
    @com.fasterxml.jackson.annotation.JsonProperty("format")
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public List<Format> formatWritten() {
        return format.equals(List.of(Format.D4JC)) ? null : format;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Binds a {@code type: export} section ({@code format} one name or a list). */
    public static ExportStageConfig bind(Obj o) {
        return o.build(() -> new ExportStageConfig(o.string("name", null), o.enumValue("model", ModelSlot.class, null),
                formats(o), o.bool("huffman", true)));
    }

    private static List<Format> formats(Obj o) {
        List<String> names = o.strList("format", List.of("d4jc"));
        List<Format> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            try {
                out.add(Format.valueOf(n.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(o.at("format") + (o.raw("format").isArray() ? "[" + i + "]" : ""),
                        "unknown format '" + n + "'; allowed: d4jc, onnx");
            }
        }
        return out;
    }

    @Override
    public List<SlotUse> reads() {
        return List.of(new SlotUse(model, "model"));
    }
}
