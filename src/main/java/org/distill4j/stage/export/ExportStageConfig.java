package org.distill4j.stage.export;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.Obj;
import org.distill4j.config.StageConfig;
import org.distill4j.config.SlotUse;

/**
 * {@code type: export} — writes {@code <name>.d4jc}, the compact model file: pruned weights stored sparse with
 * relative indices, quantized weights bit-packed at their width with their scales, both optionally Huffman-coded
 * ({@code huffman}), plus the architecture. The stage reads the file back, checks that it reproduces the
 * in-memory model's test accuracy exactly, and reports bytes, ratio, sparsity and bits per layer.
 */
@JsonPropertyOrder({"type", "name", "model", "huffman"})
public record ExportStageConfig(String name, ModelSlot model, boolean huffman) implements StageConfig {
    public static final String TYPE = "export";

    public ExportStageConfig {
        model = model == null ? ModelSlot.STUDENT : model;
        if (name == null) {
            name = TYPE;
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Binds a {@code type: export} section. */
    public static ExportStageConfig bind(Obj o) {
        return o.build(() -> new ExportStageConfig(o.string("name", null), o.enumValue("model", ModelSlot.class, null),
                o.bool("huffman", true)));
    }

    @Override
    public List<SlotUse> reads() {
        return List.of(new SlotUse(model, "model"));
    }
}
