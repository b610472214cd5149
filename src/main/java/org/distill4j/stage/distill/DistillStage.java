package org.distill4j.stage.distill;

import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.DistillStageConfig;
import org.distill4j.config.ModelSlot;
import org.distill4j.eval.Evaluator;
import org.distill4j.loss.DistillationLoss;
import org.distill4j.model.Net;
import org.distill4j.pipeline.Objective;
import org.distill4j.pipeline.Stage;
import org.distill4j.pipeline.StageContext;
import org.distill4j.pipeline.Trainer;

/**
 * {@code type: distill}: trains the student on the teacher's logits with {@link DistillationLoss}, the teacher's
 * logits cached when the input pipeline is deterministic (see {@link Objective#distillation}).
 */
public final class DistillStage implements Stage {
    private static final Logger LOG = LogManager.getLogger(DistillStage.class);
    private final DistillStageConfig config;

    public DistillStage(DistillStageConfig config) {
        this.config = config;
    }

    @Override
    public void run(StageContext ctx) throws Exception {
        Net teacher = ctx.model(ModelSlot.TEACHER);
        Net student = ctx.model(ModelSlot.STUDENT);
        Objective objective = Objective.distillation(ctx, config.name(), teacher, config.temperature(), config.alpha(), config.cacheTeacher());
        LOG.info("{}: T = {}, alpha = {}; teacher test accuracy {}", config.name(), config.temperature(), config.alpha(),
                String.format("%.4f", Evaluator.accuracy(teacher, ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE)));
        Trainer.Result r = Trainer.train(ctx, config.name(), config.type(), ModelSlot.STUDENT, student, config.training(),
                objective.loss(), objective.labels());
        ctx.put(ModelSlot.STUDENT, r.net(), config.name());
        ctx.saveModel(config.name(), r.net());
        Map<String, Object> times = new java.util.LinkedHashMap<>(r.toMap());
        times.put("teacher_logits_cached", Objective.cacheDecision(config.cacheTeacher(), ctx.train().deterministic()).getKey());
        ctx.stageTimes().put(config.name(), times);
    }
}
