package org.distill4j.stage.distill;

import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.DistillStageConfig;
import org.distill4j.config.ModelSlot;
import org.distill4j.data.Batches;
import org.distill4j.eval.Evaluator;
import org.distill4j.loss.DistillationLoss;
import org.distill4j.model.Net;
import org.distill4j.pipeline.Stage;
import org.distill4j.pipeline.StageContext;
import org.distill4j.pipeline.Trainer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code type: distill}: trains the student on the teacher's logits with {@link DistillationLoss}. With a
 * deterministic input pipeline the teacher's logits over the training split are computed once and reused
 * every epoch; with augmentation the teacher runs on each (augmented) batch in inference mode.
 */
public final class DistillStage implements Stage {
    private static final Logger LOG = LogManager.getLogger(DistillStage.class);
    private final DistillStageConfig config;

    public DistillStage(DistillStageConfig config) {
        this.config = config;
    }

    /** Whether to cache, and the reason, for the log. */
    static Map.Entry<Boolean, String> cacheDecision(DistillStageConfig.CacheTeacher mode, boolean deterministic) {
        return switch (mode) {
            case ALWAYS -> Map.entry(true, "cache_teacher: always");
            case NEVER -> Map.entry(false, "cache_teacher: never");
            case AUTO -> deterministic
                    ? Map.entry(true, "the input pipeline is deterministic (no augmentation), so the teacher's logits are the same every epoch")
                    : Map.entry(false, "augmentation changes the inputs every epoch, so cached logits would not match them");
        };
    }

    @Override
    public void run(StageContext ctx) throws Exception {
        Net teacher = ctx.model(ModelSlot.TEACHER);
        Net student = ctx.model(ModelSlot.STUDENT);
        Batches train = ctx.train();
        Map.Entry<Boolean, String> decision = cacheDecision(config.cacheTeacher(), train.deterministic());
        Trainer.LabelSource labels;
        if (decision.getKey()) {
            long t0 = System.nanoTime();
            INDArray cached = teacherLogits(teacher, train);
            LOG.info("{}: teacher logits cached ({} x {}, computed once in {} s) because {}", config.name(), cached.size(0), cached.size(1),
                    String.format("%.1f", (System.nanoTime() - t0) / 1e9), decision.getValue());
            float[] table = cached.data().asFloat();
            labels = (order, from, to, features) -> train.teacherAndOneHot(table, order, from, to);
        } else {
            LOG.info("{}: teacher runs on every batch (inference mode) because {}", config.name(), decision.getValue());
            labels = (order, from, to, features) -> Nd4j.hstack(teacher.output(features), train.oneHot(order, from, to));
        }
        LOG.info("{}: T = {}, alpha = {}; teacher test accuracy {}", config.name(), config.temperature(), config.alpha(),
                String.format("%.4f", Evaluator.accuracy(teacher, ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE)));
        Trainer.Result r = Trainer.train(ctx, config.name(), config.type(), ModelSlot.STUDENT, student, config.training(),
                new DistillationLoss(config.temperature(), config.alpha()), labels);
        ctx.put(ModelSlot.STUDENT, r.net(), config.name());
        ctx.saveModel(config.name(), r.net());
        Map<String, Object> times = new java.util.LinkedHashMap<>(r.toMap());
        times.put("teacher_logits_cached", decision.getKey());
        ctx.stageTimes().put(config.name(), times);
    }

    /** Teacher logits for every training example, in dataset order. */
    static INDArray teacherLogits(Net teacher, Batches train) {
        int n = train.data().size();
        int[] order = train.inOrder();
        INDArray out = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, train.data().numClasses());
        try (org.distill4j.run.Progress pb = org.distill4j.run.Progress.steps("teacher logits", n, "examples")) {
            for (int from = 0; from < n; from += Evaluator.DEFAULT_BATCH) {
                int to = Math.min(n, from + Evaluator.DEFAULT_BATCH);
                out.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to), org.nd4j.linalg.indexing.NDArrayIndex.all())
                        .assign(teacher.output(train.features(order, from, to, null)));
                pb.step(to - from);
            }
        }
        return out;
    }
}
