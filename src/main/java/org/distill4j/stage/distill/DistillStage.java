package org.distill4j.stage.distill;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.ModelSlot;
import org.distill4j.eval.Evaluator;
import org.distill4j.model.Net;
import org.distill4j.spi.ModelState;
import org.distill4j.spi.Objective;
import org.distill4j.spi.Stage;
import org.distill4j.spi.StageContext;
import org.distill4j.spi.StageResult;
import org.distill4j.spi.StageType;
import org.distill4j.spi.StepHook;
import org.distill4j.spi.Teacher;
import org.distill4j.spi.Trainer;

/**
 * {@code type: distill}: trains the student on the teacher with the configured distillation loss, the teacher's
 * logits cached when the input pipeline is deterministic (see {@link Objective#distillation}).
 */
public final class DistillStage implements Stage {
    public static final StageType<DistillStageConfig> TYPE = new StageType<>(DistillStageConfig.TYPE,
            DistillStageConfig.class, DistillStageConfig::bind, (c, path) -> new DistillStage(c));
    private static final Logger LOG = LogManager.getLogger(DistillStage.class);
    private final DistillStageConfig config;

    public DistillStage(DistillStageConfig config) {
        this.config = config;
    }

    @Override
    public StageResult run(StageContext ctx) throws Exception {
        Teacher teacher = ctx.teacher();
        Net student = ctx.model(ModelSlot.STUDENT);
        Objective objective = Objective.distillation(ctx, config.name(), teacher, config.loss(), config.cacheTeacher());
        LOG.info("{}: {}; teacher test accuracy {}", config.name(), objective.description(),
                String.format("%.4f", Evaluator.accuracy(x -> Evaluator.floats(teacher.logits(x)), ctx.test(),
                        Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE)));
        Trainer.Result r = Trainer.train(ctx, config.name(), config.type(), ModelSlot.STUDENT, student,
                config.training(), objective, StepHook.NONE);
        return StageResult.handOn(ModelSlot.STUDENT, ModelState.of(r.net(), config.name()),
                r.report().with("teacher_logits_cached", objective.teacherCached()));
    }
}
