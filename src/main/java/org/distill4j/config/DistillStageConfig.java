package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * {@code type: distill} — trains the student on {@code alpha·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1−alpha)·CE(y, s)}.
 * {@code cache_teacher}: {@code auto} caches teacher logits when the input pipeline is deterministic,
 * {@code never} always runs the teacher per batch; {@code always} demands caching (an error with augmentation).
 */
@JsonPropertyOrder({"type", "name", "temperature", "alpha", "cache_teacher", "epochs", "batch_size", "optimizer"})
public record DistillStageConfig(String name, double temperature, double alpha, CacheTeacher cacheTeacher,
                                 int epochs, int batchSize, OptimizerConfig optimizer) implements StageConfig {
    public static final String TYPE = "distill";

    public enum CacheTeacher { AUTO, ALWAYS, NEVER;

        @com.fasterxml.jackson.annotation.JsonValue
        public String yaml() {
            return Obj.yamlName(this);
        }
    }

    public DistillStageConfig {
        Check.positive("temperature", temperature);
        Check.inRange("alpha", alpha, 0.0, 1.0);
        if (cacheTeacher == null) {
            cacheTeacher = CacheTeacher.AUTO;
        }
        new TrainingConfig(epochs, batchSize, optimizer);
        if (name == null) {
            name = TYPE;
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @JsonIgnore
    public TrainingConfig training() {
        return new TrainingConfig(epochs, batchSize, optimizer);
    }
}
