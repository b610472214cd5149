package org.distill4j.spi;

import java.util.List;
import org.distill4j.config.OptimizerConfig;
import org.distill4j.config.ScheduleConfig;
import org.distill4j.math.CosineSchedule;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/** Maps an {@link OptimizerConfig} to DL4J updaters, per-iteration learning-rate schedules and weight decay. */
public final class Optimizers {
    private Optimizers() {
    }

    public static ISchedule schedule(OptimizerConfig o, int batchesPerEpoch, int totalIterations) {
        ScheduleConfig s = o.schedule();
        return switch (s.type()) {
            case NONE -> new FixedSchedule(o.lr());
            case STEP -> new StepSchedule(ScheduleType.ITERATION, o.lr(), s.gamma(),
                    (double) s.stepEpochs() * batchesPerEpoch);
            case COSINE -> new CosineSchedule(o.lr(), s.minLr(), totalIterations);
        };
    }

    /** Adam, SGD with Nesterov momentum (momentum > 0), or plain SGD. */
    public static IUpdater updater(OptimizerConfig o, ISchedule lr) {
        return switch (o.type()) {
            case ADAM -> new Adam(lr);
            case SGD -> o.momentum() > 0 ? new Nesterovs(lr, o.momentum()) : new Sgd(lr);
        };
    }

    /** Decoupled weight decay, scaled by the learning rate (as AdamW / SGD weight decay). */
    public static List<Regularization> weightDecay(OptimizerConfig o) {
        return o.weightDecay() > 0 ? List.of(new WeightDecay(o.weightDecay(), true)) : List.of();
    }
}
