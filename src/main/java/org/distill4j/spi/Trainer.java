package org.distill4j.spi;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.run.AtomicFiles;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.TrainingConfig;
import org.distill4j.data.Batches;
import org.distill4j.data.ImageDataset;
import org.distill4j.eval.Evaluator;
import org.distill4j.model.FeatureBranches;
import org.distill4j.model.Net;
import org.distill4j.run.MetricsLine;
import org.distill4j.run.Progress;
import org.distill4j.run.StageReport;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * The epoch loop every training stage shares: shuffle with the stage's own seed, fit batch by batch with a
 * progress bar, then measure loss, train/validation/test accuracy, throughput and time, and append one line
 * per epoch to {@code metrics.jsonl}. A NaN or infinite loss stops the stage with an error.
 */
public final class Trainer {
    private static final Logger LOG = LogManager.getLogger(Trainer.class);
    /** Train accuracy is measured on this many examples of the training split (a fixed subset, inference mode). */
    public static final int TRAIN_ACC_EXAMPLES = 5000;
    private static final int EVAL_BATCH = Evaluator.DEFAULT_BATCH;

    private Trainer() {
    }

    /**
     * The label array for one batch; {@code batch} holds its (possibly augmented and mixed) input and how it was
     * mixed, which the labels must follow.
     */
    public interface LabelSource {
        INDArray labels(int[] order, int from, int to, Batches.Batch batch);

        /**
         * One label array per output of the training network: the logits' ({@link #labels}), then, for a network with
         * feature branches, each branch's.
         */
        default INDArray[] all(int[] order, int from, int to, Batches.Batch batch) {
            return new INDArray[] {labels(order, from, to, batch)};
        }

        /** Seconds spent so far running a teacher for these labels (NaN when no teacher runs per batch). */
        default double teacherSeconds() {
            return Double.NaN;
        }
    }

    /**
     * What a training stage did, for the summary. {@code valAccuracy}: the validation accuracy after the last epoch
     * (NaN without a validation split).
     */
    public record Result(Net net, int epochs, double wallSeconds, double trainSeconds, double samplesPerSecond,
            double finalLoss, double valAccuracy, double teacherSeconds) {
        /**
         * The training fields of the stage's report; {@code teacher_s}, the seconds spent running the teacher on the
         * stage's batches (part of its training time), when it ran per batch.
         */
        public StageReport report() {
            return new StageReport(epochs, wallSeconds, trainSeconds, samplesPerSecond, finalLoss,
                    Double.isNaN(valAccuracy) ? null : valAccuracy,
                    Double.isNaN(teacherSeconds) ? Map.of() : Map.of("teacher_s", teacherSeconds));
        }
    }

    public static Result train(StageContext ctx, String stageName, String stageType, ModelSlot slot, Net initial,
                               TrainingConfig tc, ILossFunction loss, LabelSource labels) throws java.io.IOException {
        return train(ctx, stageName, stageType, slot, initial, tc, loss, labels, StepHook.NONE);
    }

    /** Total optimizer steps of a stage: batches per epoch times epochs. */
    public static long totalSteps(StageContext ctx, TrainingConfig tc) {
        return (long) ctx.train().numBatches(tc.batchSize()) * tc.epochs();
    }

    public static Result train(StageContext ctx, String stageName, String stageType, ModelSlot slot, Net initial,
                               TrainingConfig tc, ILossFunction loss, LabelSource labels,
                               StepHook hook) throws IOException {
        return train(ctx, stageName, stageType, slot, initial, tc, new Objective(loss, labels, loss.name()), hook);
    }

    /**
     * Trains {@code initial} on {@code objective}. With feature branches ({@link Objective#branches}) the network
     * trained (and checkpointed) is the student with its branches ({@link FeatureBranches}); the result is the
     * student alone.
     */
    public static Result train(StageContext ctx, String stageName, String stageType, ModelSlot slot, Net initial,
                               TrainingConfig tc, Objective objective, StepHook hook) throws IOException {
        ILossFunction loss = objective.loss();
        LabelSource labels = objective.labels();
        Batches train = ctx.train();
        int n = train.data().size();
        int bs = tc.batchSize();
        int nb = train.numBatches(bs);
        ISchedule lr = Optimizers.schedule(tc.optimizer(), nb, nb * tc.epochs());
        org.nd4j.linalg.learning.config.IUpdater updater = Optimizers.updater(tc.optimizer(), lr);
        Net net = initial.forTraining(loss, updater, Optimizers.weightDecay(tc.optimizer()));
        Net student = null; // the student's own shape, when the network trained has feature branches
        if (!objective.branches().isEmpty()) {
            student = net;
            net = FeatureBranches.attach(student, objective.branches(), ctx.seed(stageName + ".branches"))
                    .forTraining(loss, updater, Optimizers.weightDecay(tc.optimizer()));
        }
        List<String> seeds = seedComponents(stageName);
        Random shuffle = new Random(ctx.seed(seeds.get(0)));
        Random augment = new Random(ctx.seed(seeds.get(1)));
        Nd4j.getRandom().setSeed(ctx.seed(seeds.get(2)));
        Batches trainSubset = new Batches(subset(train.data(), TRAIN_ACC_EXAMPLES), null);
        double trainSeconds = 0;
        double lastLoss = Double.NaN;
        double lastValAcc = Double.NaN;
        double wallBefore = 0;
        int iteration = 0;
        int firstEpoch = 1;
        java.nio.file.Path resumeFrom = Checkpoint.latest(ctx.runDir(), stageName);
        Checkpoint.State st = null;
        if (resumeFrom != null) {
            try {
                st = Checkpoint.state(resumeFrom);
                net = net.loadCheckpoint(resumeFrom.resolve(Checkpoint.MODEL));
            } catch (java.io.IOException | RuntimeException e) {
                // the one checkpoint a stage keeps is damaged (a full disk, a copy cut short): start the stage over
                LOG.warn("{}: checkpoint {} is damaged ({}); the stage starts again from its beginning", stageName,
                        resumeFrom, String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
                AtomicFiles.deleteTree(resumeFrom);
                resumeFrom = null;
                st = null;
            }
        }
        if (resumeFrom == null) {
            // an attempt that failed before its first checkpoint may have written this stage's first line: it goes
            ctx.runDir().retainMetrics(m -> m == null || !m.stage().equals(stageName));
        } else {
            shuffle = st.shuffle();
            augment = st.augment();
            Nd4j.getRandom().setStates(st.rngRoot(), st.rngNode());
            firstEpoch = st.epoch() + 1;
            iteration = st.iteration();
            trainSeconds = st.trainSeconds();
            wallBefore = st.wallSeconds();
            lastLoss = st.loss();
            int done = st.epoch();
            ctx.runDir().retainMetrics(m -> m == null || !m.stage().equals(stageName) || m.epoch() <= done);
            LOG.info("{}: resuming after epoch {}/{} (optimizer step {}) from {}", stageName, st.epoch(), tc.epochs(),
                    iteration, resumeFrom);
        }
        hook.start(net);
        if (resumeFrom != null) {
            hook.restore(net, resumeFrom);
        }

        LOG.info("{}: training {} for {} epochs, {} examples, batch {}, {} batches/epoch, {} {}",
                stageName, slot.yaml(), tc.epochs(), n, bs, nb, tc.optimizer().type().yaml(), loss.name());
        long stageStart = System.nanoTime() - (long) (wallBefore * 1e9);
        for (int epoch = firstEpoch; epoch <= tc.epochs(); epoch++) {
            if (net.loss() instanceof org.distill4j.loss.EpochScheduled scheduled) {
                scheduled.startEpoch(epoch); // a warm-up: from the epoch alone, so a resumed stage weighs the same
            }
            int[] order = train.epochOrder(shuffle);
            double teacherBefore = labels.teacherSeconds();
            double lossSum = 0;
            long t0 = System.nanoTime();
            try (Progress pb = Progress.steps(stageName + " " + epoch + "/" + tc.epochs(), nb, "batch")) {
                for (int from = 0; from < n; from += bs) {
                    int to = Math.min(n, from + bs);
                    Batches.Batch b = train.trainingBatch(order, from, to, augment);
                    INDArray[] y = labels.all(order, from, to, b);
                    hook.beforeStep(net, iteration);
                    if (y.length == 1) {
                        net.fit(new DataSet(b.features(), y[0]));
                    } else {
                        net.fit(b.features(), y);
                    }
                    hook.afterStep(net, iteration);
                    double score = net.score();
                    if (!Double.isFinite(score)) {
                        throw new TrainingDivergedException(stageName + ": the loss became " + score
                                + " at epoch " + epoch + ", iteration " + iteration + " (learning rate "
                                + tc.optimizer().lr() + "); lower stages." + stageName + ".optimizer.lr");
                    }
                    lossSum += score * (to - from);
                    iteration++;
                    pb.step();
                    pb.message(String.format("loss %.4f", score));
                }
            }
            double epochTrain = (System.nanoTime() - t0) / 1e9;
            trainSeconds += epochTrain;
            lastLoss = lossSum / n;
            Map<String, Object> extra = new LinkedHashMap<>();
            hook.epochMetrics(net, extra);
            if (!Double.isNaN(teacherBefore)) {
                extra.put("teacher_s", labels.teacherSeconds() - teacherBefore); // inside epoch_train_s
            }
            double trainAcc = Evaluator.accuracy(net, trainSubset, EVAL_BATCH, Integer.MAX_VALUE);
            double valAcc = ctx.validation().data().size() == 0 ? Double.NaN
                    : Evaluator.accuracy(net, ctx.validation(), EVAL_BATCH, Integer.MAX_VALUE);
            double testAcc = Evaluator.accuracy(net, ctx.test(), EVAL_BATCH, Integer.MAX_VALUE);
            double wall = (System.nanoTime() - stageStart) / 1e9;
            lastValAcc = valAcc;
            MetricsLine line = new MetricsLine(stageName, stageType, slot.yaml(), epoch, tc.epochs(), iteration,
                    lr.valueAt(iteration - 1, epoch - 1), lastLoss, trainAcc, Double.isNaN(valAcc) ? null : valAcc,
                    testAcc, n / epochTrain, epochTrain, wall, extra);
            ctx.runDir().appendMetrics(line);
            org.distill4j.run.Faults.point("after-metrics:" + stageName + ":" + epoch); // before its checkpoint
            Checkpoint.save(ctx.runDir(), stageName, net, hook, new Checkpoint.State(epoch, iteration, trainSeconds,
                    wall, lastLoss, shuffle, augment, Nd4j.getRandom().rootState(), Nd4j.getRandom().nodeState()));
            LOG.info(String.format("%s epoch %d/%d: loss %.4f, train acc %.4f, val acc %.4f, test acc %.4f, "
                    + "%.0f samples/s, %.1f s",
                    stageName, epoch, tc.epochs(), lastLoss, trainAcc, valAcc, testAcc, n / epochTrain, wall));
        }
        if (Double.isNaN(lastValAcc) && ctx.validation().data().size() > 0) {
            // resumed after its last epoch
            lastValAcc = Evaluator.accuracy(net, ctx.validation(), EVAL_BATCH, Integer.MAX_VALUE);
        }
        double wall = (System.nanoTime() - stageStart) / 1e9;
        if (student != null) {
            net = FeatureBranches.detach(net, student);
        }
        return new Result(net, tc.epochs(), wall, trainSeconds, (double) n * tc.epochs() / trainSeconds,
                lastLoss, lastValAcc, ctx.runDir().sumMetric(stageName, "teacher_s"));
    }

    /** The seed components a training stage draws from: shuffling, augmentation, dropout (recorded in provenance). */
    public static List<String> seedComponents(String stageName) {
        return List.of(stageName + ".shuffle", stageName + ".augment", stageName + ".dropout");
    }

    private static ImageDataset subset(ImageDataset d, int max) {
        int m = Math.min(max, d.size());
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            idx[i] = (int) ((long) i * d.size() / m);
        }
        return d.subset(idx, d.name() + "/acc-subset");
    }

    /**
     * Raised when the loss stops being a finite number: the config's learning rate (or data) is at fault, not
     * distill4j, so it is an input error (exit 2, one line); the run is marked failed.
     */
    public static final class TrainingDivergedException extends org.distill4j.config.InputException {
        public TrainingDivergedException(String message) {
            super(Kind.CONFIG, message);
        }
    }

}
