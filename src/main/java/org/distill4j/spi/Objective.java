package org.distill4j.spi;

import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.ConfigException;
import org.distill4j.config.LossSpec;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.TeacherCache;
import org.distill4j.data.Batches;
import org.distill4j.eval.Evaluator;
import org.distill4j.loss.FeatureLoss;
import org.distill4j.loss.LossParts;
import org.distill4j.loss.SoftmaxCrossEntropyLoss;
import org.distill4j.model.FeatureBranches;
import org.distill4j.model.Net;
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
public record Objective(ILossFunction loss, Trainer.LabelSource labels, String description,
                        List<FeatureBranches.Branch> branches) {
    private static final Logger LOG = LogManager.getLogger(Objective.class);

    public Objective {
        branches = List.copyOf(branches);
    }

    /** An objective on the logits alone. */
    public Objective(ILossFunction loss, Trainer.LabelSource labels, String description) {
        this(loss, labels, description, List.of());
    }

    /** Plain cross-entropy on the training split's labels. */
    public static Objective crossEntropy(StageContext ctx) {
        Batches train = ctx.train();
        return new Objective(new SoftmaxCrossEntropyLoss(),
                (order, from, to, batch) -> batch.mixing().mixRows(train.oneHot(order, from, to)), "cross-entropy");
    }

    /**
     * Distillation from {@code teacher} with the configured {@code loss}: its logit losses on the output layer, its
     * feature losses (if any) as {@link #branches} from the student's layers, whose labels the teacher's activations
     * on each batch give.
     */
    public static Objective distillation(StageContext ctx, String stageName, Teacher teacher, LossSpec loss,
                                         TeacherCache cache) {
        LossParts parts = LossParts.of(loss);
        Batches train = ctx.train();
        if (!parts.features().isEmpty()) {
            Net student = ctx.model(ModelSlot.STUDENT);
            List<FeatureBranches.Branch> branches = branches(parts, student.activationShapes(ctx.input()),
                    teacher.activationShapes(ctx.input()));
            LOG.info("{}: teacher runs on every batch (inference mode) because the feature losses need its {}",
                    stageName, parts.features().stream().map(f -> f.loss().teacherLayer()).distinct().toList());
            return new Objective(parts.logits(), new FeatureLabels(teacher, parts.features(), train),
                    "distillation (" + parts.describe() + ", teacher per batch)", branches);
        }
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
        return new Objective(parts.logits(), labels,
                "distillation (" + parts.describe()
                        + (decision.getKey() ? ", teacher logits cached)" : ", teacher per batch)"));
    }

    /** Whether the teacher's logits are cached for the training split (not when feature losses need it per batch). */
    public boolean teacherCached() {
        return !(labels instanceof PerBatchTeacher) && !(labels instanceof FeatureLabels);
    }

    /**
     * The branches of the feature terms of {@code parts} between layers of these activation shapes; a config error
     * at the term's {@code student_layer} or {@code teacher_layer} (relative to the stage) naming every layer with its
     * shape when a layer is not there, or at the term when the two layers do not go together.
     */
    public static List<FeatureBranches.Branch> branches(LossParts parts, Map<String, long[]> student,
                                                        Map<String, long[]> teacher) {
        List<FeatureBranches.Branch> out = new java.util.ArrayList<>();
        for (LossParts.Feature f : parts.features()) {
            long[] s = layer(student, f.loss().studentLayer(), "student", f.path() + ".student_layer");
            long[] t = layer(teacher, f.loss().teacherLayer(), "teacher", f.path() + ".teacher_layer");
            FeatureLoss.Branch b;
            try {
                b = f.loss().branch(s, t, f.weight());
            } catch (IllegalArgumentException e) {
                throw ConfigException.field(f.path(), e.getMessage() + " (" + f.loss().studentLayer() + " -> "
                        + f.loss().teacherLayer() + ")");
            }
            out.add(new FeatureBranches.Branch(f.loss().studentLayer(), s, b.regressorOut(), b.loss()));
        }
        return out;
    }

    private static long[] layer(Map<String, long[]> shapes, String name, String model, String path) {
        long[] s = shapes.get(name);
        if (s == null) {
            List<String> known = new java.util.ArrayList<>();
            shapes.forEach((n, shape) -> known.add(n + " " + FeatureLoss.shape(shape)));
            throw ConfigException.field(path, "the " + model + " has no layer '" + name + "'; its layers: "
                    + String.join(", ", known));
        }
        return s;
    }

    /**
     * Labels for a student with feature branches, from one teacher pass per batch: {@code [teacher logits | one-hot]}
     * for the logits, then each branch's target from its teacher layer.
     */
    private static final class FeatureLabels implements Trainer.LabelSource {
        private final Teacher teacher;
        private final List<LossParts.Feature> features;
        private final Batches train;
        private final List<String> layers;
        private long nanos;

        FeatureLabels(Teacher teacher, List<LossParts.Feature> features, Batches train) {
            this.teacher = teacher;
            this.features = features;
            this.train = train;
            java.util.LinkedHashSet<String> l = new java.util.LinkedHashSet<>();
            features.forEach(f -> l.add(f.loss().teacherLayer()));
            l.add(Teacher.LOGITS);
            this.layers = List.copyOf(l);
        }

        @Override
        public INDArray labels(int[] order, int from, int to, Batches.Batch batch) {
            return all(order, from, to, batch)[0];
        }

        @Override
        public INDArray[] all(int[] order, int from, int to, Batches.Batch batch) {
            long t0 = System.nanoTime();
            Map<String, INDArray> acts = teacher.activations(batch.features(), layers);
            INDArray[] out = new INDArray[1 + features.size()];
            for (int i = 0; i < features.size(); i++) {
                FeatureLoss f = features.get(i).loss();
                out[1 + i] = f.target(acts.get(f.teacherLayer()));
            }
            nanos += System.nanoTime() - t0;
            out[0] = Nd4j.hstack(acts.get(Teacher.LOGITS), batch.mixing().mixRows(train.oneHot(order, from, to)));
            return out;
        }

        @Override
        public double teacherSeconds() {
            return nanos / 1e9;
        }
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
