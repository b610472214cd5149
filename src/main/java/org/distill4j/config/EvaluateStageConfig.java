package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * {@code type: evaluate} — test-set accuracy, top-5, per-class accuracy and confusion matrix of the listed
 * models; an empty or absent {@code models} means every model trained or loaded before this stage.
 */
@JsonPropertyOrder({"type", "name", "models", "batch_size"})
public record EvaluateStageConfig(String name, List<ModelSlot> models, int batchSize) implements StageConfig {
    public static final String TYPE = "evaluate";

    public EvaluateStageConfig {
        models = models == null ? List.of() : List.copyOf(models);
        Check.between("batch_size", batchSize, 1, 1 << 20);
        if (name == null) {
            name = TYPE;
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
