package org.distill4j.spi;

import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.LossSpec;
import org.distill4j.config.TeacherCache;
import org.distill4j.data.Batches;
import org.distill4j.eval.Evaluator;
import org.distill4j.loss.DistillLoss;
import org.distill4j.loss.SoftmaxCrossEntropyLoss;
import org.distill4j.run.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The loss a training stage minimizes and the labels it feeds: cross-entropy on the one-hot targets, or the
 * distillation loss on {@code [teacher logits | one-hot]}. With a deterministic input pipeline the teacher's
 * logits over the training split are computed once and reused every epoch; with augmentation the teacher runs on
 * each (augmented) batch in inference mode.
 */
public record Objective(ILossFunction loss, Trainer.LabelSource labels, String description) {
    private static final Logger LOG = LogManager.getLogger(Objective.class);

    /** Plain cross-entropy on the training split's labels. */
    public static Objective crossEntropy(StageContext ctx) {
        Batches train = ctx.train();
        return new Objective(new SoftmaxCrossEntropyLoss(),
                (order, from, to, batch) -> batch.mixing().mixRows(train.oneHot(order, from, to)), "cross-entropy");
    }

    /** Distillation from {@code teacher} with the configured {@code loss} (a {@link DistillLoss}). */
    public static Objective distillation(StageContext ctx, String stageName, Teacher teacher, LossSpec loss,
                                         TeacherCache cache) {
        DistillLoss spec = (DistillLoss) loss;
        Batches train = ctx.train();
        Map.Entry<Boolean, String> decision = cacheDecision(cache, train.deterministic());
        Trainer.LabelSource labels;
        if (decision.getKey()) {
            float[] table = ctx.teacherLogits(teacher);
            if (table == null) {
                long t0 = System.nanoTime();
                INDArray cached = teacherLogits(teacher, train);
                LOG.info("{}: teacher logits cached ({} x {}, computed once in {} s) because {}", stageName,
                        cached.size(0), cached.size(1), String.format("%.1f", (System.nanoTime() - t0) / 1e9),
                        decision.getValue());
                table = cached.data().asFloat();
                ctx.putTeacherLogits(teacher, table);
            } else {
                LOG.info("{}: reusing the teacher logits cached by an earlier stage because {}", stageName,
                        decision.getValue());
            }
            float[] logits = table;
            // batches are never mixed here: cache_teacher: always with augmentation is a config error
            labels = (order, from, to, batch) -> batch.mixing()
                    .mixRows(train.teacherAndOneHot(logits, order, from, to));
        } else {
            LOG.info("{}: teacher runs on every batch (inference mode) because {}", stageName, decision.getValue());
            labels = new PerBatchTeacher(teacher, train);
        }
        return new Objective(spec.create(), labels,
                "distillation (" + spec.describe()
                        + (decision.getKey() ? ", teacher logits cached)" : ", teacher per batch)"));
    }

    /** The teacher run on each batch the student sees (augmented and mixed alike), timed for the metrics. */
    private static final class PerBatchTeacher implements Trainer.LabelSource {
        private final Teacher teacher;
        private final Batches train;
        private long nanos;

        PerBatchTeacher(Teacher teacher, Batches train) {
            this.teacher = teacher;
            this.train = train;
        }

        @Override
        public INDArray labels(int[] order, int from, int to, Batches.Batch batch) {
            long t0 = System.nanoTime();
            INDArray t = teacher.logits(batch.features());
            nanos += System.nanoTime() - t0;
            return Nd4j.hstack(t, batch.mixing().mixRows(train.oneHot(order, from, to)));
        }

        @Override
        public double teacherSeconds() {
            return nanos / 1e9;
        }
    }

    /** Whether to cache, and the reason, for the log. */
    public static Map.Entry<Boolean, String> cacheDecision(TeacherCache mode, boolean deterministic) {
        return switch (mode) {
            case ALWAYS -> Map.entry(true, "cache_teacher: always");
            case NEVER -> Map.entry(false, "cache_teacher: never");
            case AUTO -> deterministic
                    ? Map.entry(true, "the input pipeline is deterministic (no augmentation), so the teacher's logits "
                            + "are the same every epoch")
                    : Map.entry(false,
                            "augmentation changes the inputs every epoch, so cached logits would not match them");
        };
    }

    /** Teacher logits for every training example, in dataset order. */
    public static INDArray teacherLogits(Teacher teacher, Batches train) {
        int n = train.data().size();
        int[] order = train.inOrder();
        INDArray out = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, train.data().numClasses());
        try (Progress pb = Progress.steps("teacher logits", n, "examples")) {
            for (int from = 0; from < n; from += Evaluator.DEFAULT_BATCH) {
                int to = Math.min(n, from + Evaluator.DEFAULT_BATCH);
                out.get(NDArrayIndex.interval(from, to), NDArrayIndex.all())
                        .assign(teacher.logits(train.features(order, from, to, null)));
                pb.step(to - from);
            }
        }
        return out;
    }
}
