package org.distill4j.stage.distill;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.distill4j.config.BatchUse;
import java.util.Set;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.ConfigException;
import org.distill4j.config.Obj;
import org.distill4j.config.OptimizerConfig;
import org.distill4j.config.TrainingConfig;
import org.distill4j.config.StageConfig;
import org.distill4j.config.SlotUse;
import org.distill4j.config.ConfigBinder;
import org.distill4j.config.LossSpec;
import org.distill4j.config.DatasetConfig;
import org.distill4j.config.TeacherCache;
import org.distill4j.config.WithLoss;

/**
 * {@code type: distill} — trains the student on
 * {@code alpha·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1−alpha)·CE(y, s)}.
 * {@code cache_teacher}: {@code auto} caches teacher logits when the input pipeline is deterministic,
 * {@code never} always runs the teacher per batch; {@code always} demands caching (an error with augmentation).
 */
@JsonPropertyOrder({"type", "name", "inline_loss", "loss", "cache_teacher", "epochs", "batch_size", "optimizer"})
public record DistillStageConfig(String name, @JsonIgnore LossSpec loss, TeacherCache cacheTeacher,
                                 int epochs, int batchSize, OptimizerConfig optimizer)
        implements StageConfig, WithLoss {
    public static final String TYPE = "distill";

    public DistillStageConfig {
        if (loss == null) {
            throw ConfigException.field("loss", "missing");
        }
        if (cacheTeacher == null) {
            cacheTeacher = TeacherCache.AUTO;
        }
        if (cacheTeacher == TeacherCache.ALWAYS && loss.featureBased()) {
            throw ConfigException.field("cache_teacher", "feature losses (hint, at) need the teacher's activations "
                    + "on every batch; use auto or never");
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

    /**
     * Binds a {@code type: distill} section; {@code temperature} and {@code alpha} inline mean
     * {@code loss: {type: kd}}.
     */
    public static DistillStageConfig bind(Obj o) {
        return o.build(() -> new DistillStageConfig(o.string("name", null), ConfigBinder.loss(o),
                o.enumValue("cache_teacher", TeacherCache.class, null), o.integer("epochs", 1),
                o.integer("batch_size", 128), ConfigBinder.optimizer(o)));
    }

    @Override
    public List<SlotUse> reads() {
        return List.of(SlotUse.implied(ModelSlot.TEACHER));
    }

    @Override
    public List<SlotUse> writes() {
        return List.of(SlotUse.implied(ModelSlot.STUDENT));
    }

    @Override
    public StageConfig resolve(DatasetConfig dataset, Set<ModelSlot> ready) {
        if (cacheTeacher == TeacherCache.ALWAYS && !dataset.augment().deterministic()) {
            throw ConfigException.field("cache_teacher",
                    "cannot cache teacher logits with augmentation on (dataset.augment); "
                    + "use auto or never");
        }
        return this;
    }

    @JsonIgnore
    public TrainingConfig training() {
        return new TrainingConfig(epochs, batchSize, optimizer);
    }

    @Override
    public List<BatchUse> batches() {
        return List.of(BatchUse.training(ModelSlot.STUDENT, batchSize), BatchUse.inference(ModelSlot.TEACHER,
                batchSize));
    }
}
